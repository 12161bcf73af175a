"""Every URL of the isolation crawl: the security headers on each page, and CSRF on each state change.

The URLs come from test_isolation_crawl.py, where every URL must be classified: a new page is covered here
as soon as it is classified there.
"""

from __future__ import annotations

import random
import re
import secrets

import pytest
from django.test import Client as HttpClient
from django.urls import get_resolver, reverse

from goodterms.common.headers import CONTENT_SECURITY_POLICY
from tests.architecture.test_isolation_crawl import (
    KIND_URLS,
    LIST_URLS,
    OBJECT_URLS,
    PUBLIC_URLS,
    _populate,
    _url_names,
)


@pytest.fixture
def crawl_data(alice, charlie, org_a, org_b):
    rng = random.Random()  # noqa: S311 (test data, not secrets)
    return _populate(org_a, alice, rng), _populate(org_b, charlie, rng)


TOKEN_URLS = {"accept-invitation", "exits:feed", "password-reset-confirm", "survey:answer", "survey:opened"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
OUTSIDE_ORIGIN = re.compile(
    r"""<(?:script|link|img|iframe|form)\b[^>]*\b(?:src|href|action)=["']?(?:https?:)?//""", re.I
)


def _all_urls(data) -> dict[str, str]:
    urls = {name: reverse(name, kwargs=kwargs_for(data)) for name, kwargs_for in OBJECT_URLS.items()}
    urls |= {name: reverse(name) for name in LIST_URLS}
    urls |= {name: reverse(name, kwargs=kwargs) for name, kwargs in KIND_URLS.items()}
    for name in PUBLIC_URLS:
        token = {"token": secrets.token_urlsafe(32)} if name in TOKEN_URLS else {}
        urls[name] = reverse(name, kwargs=token)
    return urls


def test_every_url_is_walked(crawl_data):
    a, _ = crawl_data
    names = set(_url_names(get_resolver().url_patterns))
    assert names == set(_all_urls(a)), "test_isolation_crawl.py classifies every URL, so this walks them all"


def test_every_page_has_the_security_headers_and_no_inline_script(web_alice, visitor, crawl_data):
    a, _ = crawl_data
    checked = 0
    for name, url in sorted(_all_urls(a).items()):
        for http in (web_alice, visitor):
            response = http.get(url)
            where = f"GET {url} ({name}) as {'alice' if http is web_alice else 'a visitor'}"
            assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, where
            assert "unsafe-inline" not in response["Content-Security-Policy"]
            assert response["Referrer-Policy"] == "no-referrer", where
            assert "no-store" in response["Cache-Control"], where
            assert response["X-Content-Type-Options"] == "nosniff", where
            assert response["X-Frame-Options"] == "DENY", where
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                html = response.content.decode()
                assert not INLINE_SCRIPT.search(html), f"{where}: an inline <script>"
                assert not EVENT_HANDLER.search(html), f"{where}: an inline event handler"
                assert not STYLE_ATTRIBUTE.search(html), f"{where}: a style= attribute"
                assert not OUTSIDE_ORIGIN.search(html), f"{where}: something loaded from another origin"
                checked += response.status_code == 200
    assert checked > 20, "real pages were looked at"


def test_downloads_and_token_pages_are_not_stored(web_alice, crawl_data):
    a, _ = crawl_data
    for name in ("clients:export-csv", "clients:export-vcard", "exits:step-invite", "members"):
        url = _all_urls(a)[name]
        response = web_alice.get(url)
        assert response.status_code == 200, name
        assert "no-store" in response["Cache-Control"], name
    feed = web_alice.post("/exits/calendar/", {"action": "create"}).content.decode()
    found = re.search(r"http://testserver(/exits/calendar/[^\"\s]+\.ics)", feed)
    assert found
    calendar = HttpClient().get(found.group(1))
    assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
    assert "no-store" in calendar["Cache-Control"] and calendar["Referrer-Policy"] == "no-referrer"


def test_static_files_may_be_cached(rf):
    """Cache-busted by their names, static files are the one thing a browser may keep."""
    from django.http import HttpResponse

    from goodterms.common.headers import SecurityHeadersMiddleware

    middleware = SecurityHeadersMiddleware(
        lambda request: HttpResponse("x", headers={"Cache-Control": "max-age=9"})
    )
    assert middleware(rf.get("/static/css/goodterms.css"))["Cache-Control"] == "max-age=9"
    assert "no-store" in middleware(rf.get("/clients/"))["Cache-Control"]


def test_every_state_changing_url_refuses_a_post_without_a_csrf_token(alice, crawl_data):
    a, _ = crawl_data
    for signed_in in (True, False):
        http = HttpClient(enforce_csrf_checks=True)
        if signed_in:
            http.force_login(alice)
        for name, url in sorted(_all_urls(a).items()):
            response = http.post(url, {"name": "x", "email": "x@example.org", "action": "create"})
            assert response.status_code == 403, (
                f"POST {url} ({name}) without a CSRF token gave {response.status_code}"
            )


def test_the_same_post_with_its_token_goes_through(alice):
    """The walk above could pass with a site that refuses every POST: with the token, a POST works."""
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(alice)
    http.get("/members/")
    token = http.cookies["csrftoken"].value
    response = http.post("/members/invite/", {"email": "new@alpha.example", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
