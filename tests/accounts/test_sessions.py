"""Session lifetimes (idle and absolute, with a moved clock), the sessions page, sessions ended for good."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone

from goodterms.accounts.models import UserSession
from tests.conftest import PASSWORD


class Clock:
    """timezone.now(), moved forward on demand, for every module that asks Django for the time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = timedelta()
        real = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real() + self.offset)

    def move(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _signed_in(user, ip="203.0.113.7") -> HttpClient:
    http = HttpClient()
    assert (
        http.post("/login/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR=ip).status_code
        == 302
    )
    return http


def _in(http: HttpClient) -> bool:
    return http.get("/clients/").status_code == 200


@override_settings(SESSION_IDLE_SECONDS=3600, SESSION_MAX_SECONDS=7 * 86400)
def test_a_session_unused_for_the_idle_time_is_signed_out(alice, clock):
    http = _signed_in(alice)
    clock.move(minutes=50)
    assert _in(http)  # used within the hour: the idle clock starts again
    clock.move(minutes=50)
    assert _in(http)
    clock.move(minutes=61)
    assert not _in(http)
    assert http.get("/clients/")["Location"].startswith("/login/")


@override_settings(SESSION_IDLE_SECONDS=3600, SESSION_MAX_SECONDS=86400)
def test_a_session_ends_at_its_absolute_lifetime_however_active(alice, clock):
    http = _signed_in(alice)
    for _ in range(25):
        clock.move(minutes=59)
        if not _in(http):
            break
    else:
        pytest.fail("the session outlived its lifetime")
    assert clock.offset >= timedelta(hours=24)
    assert clock.offset < timedelta(hours=25)


@override_settings(SESSION_IDLE_SECONDS=3600)
def test_the_idle_cookie_cannot_be_forged_or_moved_to_another_session(alice, clock):
    http = _signed_in(alice)
    other = _signed_in(alice, ip="198.51.100.3")
    clock.move(minutes=50)
    assert _in(other)  # other has a fresh idle cookie for its own session
    http.cookies["goodterms_active"] = other.cookies["goodterms_active"].value
    clock.move(minutes=20)
    assert not _in(http), "another session's cookie does not keep this one alive"
    forged = HttpClient()
    forged.cookies["sessionid"] = other.cookies["sessionid"].value
    forged.cookies["goodterms_active"] = "eyJzIjoxLCJ0Ijo5OTk5OTk5OTk5fQ:forged:signature"
    clock.move(minutes=45)
    assert not _in(forged)


def test_the_sessions_page_lists_and_ends_other_sessions(alice):
    laptop, phone = _signed_in(alice), _signed_in(alice, ip="198.51.100.4")
    page = laptop.get("/account/sessions/")
    assert page.status_code == 200
    assert b"198.51.100.4" in page.content and b"This browser" in page.content
    phone_row = UserSession.objects.filter(user=alice, ip="198.51.100.4").get()
    assert laptop.post(f"/account/sessions/{phone_row.pk}/end/").status_code == 302
    assert not _in(phone)
    assert _in(laptop)


def test_signing_out_everywhere_else_keeps_this_browser(alice):
    here, there = _signed_in(alice), _signed_in(alice, ip="198.51.100.5")
    here.post("/account/sessions/end-others/")
    assert _in(here) and not _in(there)


def test_deactivating_ends_sessions_for_good_even_after_reactivation(web_alice, bob):
    bobs = _signed_in(bob)
    assert _in(bobs)
    web_alice.post(f"/members/{bob.pk}/deactivate/")
    assert not _in(bobs)
    web_alice.post(f"/members/{bob.pk}/reactivate/")
    bob.refresh_from_db()
    assert bob.is_active
    assert not _in(bobs), "the old session does not come back"
    assert _in(_signed_in(bob)), "a new sign-in works"


def test_it_checks_ownership(web_charlie, alice):
    row = UserSession.objects.filter(user=alice).first() or UserSession.objects.create(user=alice)
    assert web_charlie.post(f"/account/sessions/{row.pk}/end/").status_code == 404
    assert UserSession.objects.filter(pk=row.pk).exists()
