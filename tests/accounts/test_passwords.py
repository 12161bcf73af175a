"""Password change, and reset by email: single-use, expiring, hashed tokens sent through the outbox."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone

from goodterms.accounts.models import PasswordReset, User, UserSession, hash_token
from tests.accounts.test_sessions import Clock
from tests.conftest import PASSWORD

NEW = "a brand new passphrase 2026"


def _sign_in(email: str, password: str, ip: str = "203.0.113.7"):
    http = HttpClient()
    return http, http.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def _reset_link(email: str) -> str:
    HttpClient().post("/password-reset/", {"email": email})
    sent = [m for m in mail.outbox if email.lower() in m.to]
    assert sent, "the reset email was sent"
    found = re.search(r"http://testserver(/password-reset/[^/\s]+/)", str(sent[-1].body))
    assert found, sent[-1].body
    return found.group(1)


def test_change_password_ends_the_other_sessions(alice):
    here, _ = _sign_in(alice.email, PASSWORD)
    there, _ = _sign_in(alice.email, PASSWORD, ip="198.51.100.8")
    wrong = here.post("/account/password/", {"current": "nope", "password1": NEW, "password2": NEW})
    assert wrong.status_code == 400 and b"not your current password" in wrong.content
    ok = here.post("/account/password/", {"current": PASSWORD, "password1": NEW, "password2": NEW})
    assert ok.status_code == 302
    assert here.get("/clients/").status_code == 200
    assert there.get("/clients/").status_code == 302
    assert _sign_in(alice.email, NEW)[1].status_code == 302


def test_a_reset_link_is_emailed_and_works_once(alice):
    link = _reset_link("ALICE@alpha.example")
    message = mail.outbox[-1]
    assert message.to == [alice.email] and message.subject == "Reset your goodterms password"
    token = link.split("/")[2]
    stored = PasswordReset.objects.get(user=alice)
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    old_session, _ = _sign_in(alice.email, PASSWORD)
    assert HttpClient().get(link).status_code == 200
    assert HttpClient().post(link, {"password1": NEW, "password2": NEW}).status_code == 302
    assert _sign_in(alice.email, NEW)[1].status_code == 302
    assert old_session.get("/clients/").status_code == 302, "every earlier session ended"
    assert HttpClient().get(link).status_code == 404
    again = HttpClient().post(
        link, {"password1": "another pass phrase 9", "password2": "another pass phrase 9"}
    )
    assert again.status_code == 404
    assert _sign_in(alice.email, NEW)[1].status_code == 302


@override_settings(PASSWORD_RESET_MINUTES=30)
def test_a_reset_link_expires(alice, monkeypatch):
    link = _reset_link(alice.email)
    clock = Clock(monkeypatch)
    clock.move(minutes=31)
    assert HttpClient().get(link).status_code == 404
    assert HttpClient().post(link, {"password1": NEW, "password2": NEW}).status_code == 404
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_newer_link_replaces_the_older(alice):
    first = _reset_link(alice.email)
    second = _reset_link(alice.email)
    assert HttpClient().get(first).status_code == 404
    assert HttpClient().get(second).status_code == 200


def test_the_page_says_the_same_for_an_unknown_address(alice):
    known = HttpClient().post("/password-reset/", {"email": alice.email})
    unknown = HttpClient().post("/password-reset/", {"email": "nobody@alpha.example"})
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*@[^"]*"')
    assert strip.sub(b"", known.content) == strip.sub(b"", unknown.content)
    assert [m.to for m in mail.outbox] == [[alice.email]]


@override_settings(PASSWORD_RESETS_PER_HOUR=2)
def test_reset_emails_are_limited_per_address(alice):
    for _ in range(4):
        HttpClient().post("/password-reset/", {"email": alice.email})
    assert len(mail.outbox) == 2


def test_a_deactivated_user_gets_no_reset(alice, bob):
    User.objects.filter(pk=bob.pk).update(is_active=False)
    HttpClient().post("/password-reset/", {"email": bob.email})
    assert mail.outbox == []


def test_an_old_unused_link_is_removed_by_housekeeping(alice):
    from goodterms.accounts.jobs import housekeeping

    _reset_link(alice.email)
    PasswordReset.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    UserSession.objects.create(user=alice, created_at=timezone.now() - timedelta(days=30))
    housekeeping()
    assert not PasswordReset.objects.exists()
    assert not UserSession.objects.filter(created_at__lt=timezone.now() - timedelta(days=29)).exists()


def test_a_malformed_address_gets_the_same_answer(db, org_a):
    for value in ("a@b@c", "not an address", "x" * 300):
        response = HttpClient().post("/password-reset/", {"email": value})
        assert response.status_code in (200, 400)
    assert mail.outbox == []


def test_a_reset_email_the_mail_server_refuses_is_logged_not_an_error(alice, smtp_settings, settings):
    smtp_settings.stop()  # the mail server is down
    response = HttpClient().post("/password-reset/", {"email": alice.email})
    assert response.status_code == 200 and b"If an account uses that address" in response.content
