"""A form posted from one of this site's pages says `Origin: null` (every page sends no referrer): it
passes with `Sec-Fetch-Site: same-origin` and its CSRF token, and nothing else passes that would not have
before."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

INVITE = "/members/invite/"


@pytest.fixture
def signed_in(alice) -> tuple[HttpClient, str]:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(alice)
    http.get("/members/")
    return http, http.cookies["csrftoken"].value


def _invite(http: HttpClient, token: str | None, **headers: str) -> int:
    data = {"email": "new@alpha.example"}
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return http.post(INVITE, data, headers=headers).status_code


@pytest.mark.parametrize("secure", [False, True])
def test_a_null_origin_from_this_site_with_its_token_goes_through(signed_in, secure: bool):
    http, token = signed_in
    status = http.post(
        INVITE,
        {"email": "new@alpha.example", "csrfmiddlewaretoken": token},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        secure=secure,
    ).status_code
    assert status == 200


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site", "none", ""])
def test_a_null_origin_from_anywhere_else_is_refused(signed_in, fetch_site: str):
    http, token = signed_in
    headers = {"Origin": "null"} | ({"Sec-Fetch-Site": fetch_site} if fetch_site else {})
    assert _invite(http, token, **headers) == 403


def test_a_null_origin_from_this_site_still_needs_the_token(signed_in):
    http, _ = signed_in
    assert _invite(http, None, Origin="null", **{"Sec-Fetch-Site": "same-origin"}) == 403
    assert _invite(http, "x" * 64, Origin="null", **{"Sec-Fetch-Site": "same-origin"}) == 403


def test_another_origin_is_refused_whatever_it_claims(signed_in):
    http, token = signed_in
    assert _invite(http, token, Origin="https://evil.example", **{"Sec-Fetch-Site": "same-origin"}) == 403
    assert _invite(http, token, Origin="http://testserver") == 200, "this site's own origin, as before"


def test_check_deploy_warns_when_the_middleware_is_missing(settings):
    from goodterms.common.csrf import MIDDLEWARE_PATH, check_installed

    assert check_installed() == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE_PATH]
    assert [message.id for message in check_installed()] == ["goodterms.W001"]
