"""The security log: a structured line for each event, with request id, user and organization, the owner's
page of it, and a grep of every log line proving that no token, password or message body is written."""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client as HttpClient
from django.test import override_settings
from django.utils import timezone

from goodterms.accounts.models import SecurityLogEntry, UserSession
from goodterms.accounts.securitylog import BAD_TOKEN_BURST, forget_bad_tokens, security_event
from goodterms.clients.models import Contact
from goodterms.lib.redact import RedactFilter
from goodterms.lib.vocabulary import SecurityEvent
from goodterms.messaging import outbox
from goodterms.messaging.models import Message, Outbox
from tests.conftest import PASSWORD


class Logs:
    """Every log line of every logger, as the configured console handler writes it (with its filter)."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.addFilter(RedactFilter())
        self.handler.setLevel(logging.DEBUG)

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def events(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.text.splitlines() if line.startswith('{"event"')]

    def of(self, event: SecurityEvent) -> list[dict[str, object]]:
        return [line for line in self.events() if line["event"] == event.value]


@pytest.fixture
def logs():
    captured = Logs()
    root = logging.getLogger()
    root.addHandler(captured.handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    forget_bad_tokens()
    yield captured
    root.removeHandler(captured.handler)
    root.setLevel(old)


def _signed_in(user, ip="203.0.113.7") -> HttpClient:
    http = HttpClient()
    assert (
        http.post("/login/", {"username": user.email, "password": PASSWORD}, REMOTE_ADDR=ip).status_code
        == 302
    )
    return http


@override_settings(LOGIN_FAILURES_PER_USERNAME_AND_IP=2)
def test_sign_ins_failures_and_lockouts_are_logged_with_request_user_and_organization(alice, logs):
    wrong = "wrong-" + secrets.token_hex(6)
    for _ in range(3):
        HttpClient().post("/login/", {"username": alice.email, "password": wrong}, REMOTE_ADDR="198.51.100.2")
    HttpClient().post(
        "/login/", {"username": "nobody@nowhere.example", "password": wrong}, REMOTE_ADDR="198.51.100.2"
    )
    _signed_in(alice)
    failed = logs.of(SecurityEvent.SIGNIN_FAILED)
    assert len(failed) == 3
    assert failed[0]["email"] == alice.email and failed[0]["org"] == alice.organization_id
    assert failed[0]["ip"] == "198.51.100.2" and re.fullmatch(r"[0-9a-f]{32}", str(failed[0]["request_id"]))
    assert failed[-1]["email"] == "nobody@nowhere.example" and failed[-1]["org"] is None
    locked = logs.of(SecurityEvent.SIGNIN_LOCKED)
    assert len(locked) == 1 and locked[0]["limit"] == "pair"
    signin = logs.of(SecurityEvent.SIGNIN)[-1]
    assert signin["user"] == alice.pk and signin["org"] == alice.organization_id
    assert wrong not in logs.text and PASSWORD not in logs.text
    owner_page = SecurityLogEntry.objects.filter(organization=alice.organization).values_list(
        "event", flat=True
    )
    assert {"signin.failed", "signin.locked", "signin"} <= set(owner_page)


def test_account_changes_are_logged(web_alice, alice, bob, logs):
    web_alice.post("/members/invite/", {"email": "new@alpha.example", "role": "member"})
    invitation_token = re.search(r"/invite/([^/\s]+)/", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    web_alice.post(f"/members/{bob.pk}/role/", {"role": "owner"})
    web_alice.post(f"/members/{bob.pk}/role/", {"role": "member"})
    web_alice.post(f"/members/{bob.pk}/deactivate/")
    web_alice.post(f"/members/{bob.pk}/reactivate/")
    web_alice.post(f"/members/{bob.pk}/remove/")
    web_alice.post(
        "/settings/", {"form": "rules", "minimum_notice_days": 31, "money_notice_days": 61, "country": ""}
    )
    web_alice.post(
        "/messages/templates/goodbye/",
        {"subject": "Bye {{ first_name }}", "body": "Thanks, {{ first_name }}."},
    )
    feed_page = web_alice.post("/exits/calendar/", {"action": "create"})
    feed_token = re.search(r"/exits/calendar/([^/\s\"]+)\.ics", feed_page.content.decode()).group(1)  # type: ignore[union-attr]
    web_alice.post("/exits/calendar/", {"action": "revoke"})
    web_alice.get("/clients/export.csv")
    new = "a new passphrase " + secrets.token_hex(4)
    web_alice.post("/account/password/", {"current": PASSWORD, "password1": new, "password2": new})
    HttpClient().post("/password-reset/", {"email": alice.email})
    reset_token = re.search(r"/password-reset/([^/\s]+)/", str(mail.outbox[-1].body)).group(1)  # type: ignore[union-attr]
    HttpClient().post(f"/password-reset/{reset_token}/", {"password1": new + "x", "password2": new + "x"})
    expected = {
        SecurityEvent.MEMBER_INVITED,
        SecurityEvent.ROLE_CHANGED,
        SecurityEvent.MEMBER_DEACTIVATED,
        SecurityEvent.MEMBER_REACTIVATED,
        SecurityEvent.MEMBER_REMOVED,
        SecurityEvent.RULES_CHANGED,
        SecurityEvent.TEMPLATE_CHANGED,
        SecurityEvent.FEED_CREATED,
        SecurityEvent.FEED_REVOKED,
        SecurityEvent.PASSWORD_CHANGED,
        SecurityEvent.PASSWORD_RESET_REQUESTED,
        SecurityEvent.PASSWORD_RESET,
        SecurityEvent.EXPORT,
    }
    for event in expected:
        lines = logs.of(event)
        assert lines, f"no {event} line"
        assert lines[0]["org"] == alice.organization_id and lines[0]["request_id"], event
    assert logs.of(SecurityEvent.MEMBER_DEACTIVATED)[0]["user"] == alice.pk
    stored = set(
        SecurityLogEntry.objects.filter(organization=alice.organization).values_list("event", flat=True)
    )
    assert {e.value for e in expected if e != SecurityEvent.EXPORT} <= stored
    assert SecurityEvent.EXPORT.value not in stored, "a GET writes nothing, not even the security log"
    for secret in (invitation_token, feed_token, reset_token, new, PASSWORD):
        assert secret not in logs.text


def test_a_404_on_another_organizations_existing_id_is_logged(web_alice, acme, org_b, charlie, logs):
    theirs = Contact.objects.create(
        organization=org_b, client=acme.__class__.objects.create(organization=org_b, name="B"), name="Zed"
    )
    assert web_alice.get(f"/clients/{theirs.client_id}/").status_code == 404
    assert web_alice.get("/clients/999999/").status_code == 404
    assert web_alice.post(f"/members/{charlie.pk}/remove/").status_code == 404
    lines = logs.of(SecurityEvent.CROSS_ORG_404)
    assert [(line["model"], line["id"]) for line in lines] == [
        ("Client", str(theirs.client_id)),
        ("User", str(charlie.pk)),
    ]
    assert lines[0]["user"] is not None and lines[0]["org"] == acme.organization_id


def test_a_burst_of_wrong_tokens_is_one_line(org_a, logs):
    tokens = [secrets.token_urlsafe(32) for _ in range(BAD_TOKEN_BURST)]
    for token in tokens:
        assert HttpClient().get(f"/invite/{token}/", REMOTE_ADDR="198.51.100.66").status_code == 404
    assert HttpClient().get(f"/password-reset/{tokens[0]}/", REMOTE_ADDR="198.51.100.67").status_code == 404
    bursts = logs.of(SecurityEvent.BAD_TOKENS)
    assert len(bursts) == 1 and bursts[0]["ip"] == "198.51.100.66" and bursts[0]["count"] == BAD_TOKEN_BURST
    for token in tokens:
        assert token not in logs.text, "Django's own 'Not Found: /invite/…' line is redacted too"
    assert "/invite/[redacted]/" in logs.text


def test_an_uncertain_send_is_logged_without_its_body(acme, alice, logs):
    body = "A private goodbye " + secrets.token_hex(6)
    contact = acme.contacts.first()
    assert contact is not None
    message = Message.objects.create(
        organization=acme.organization,
        contact=contact,
        kind="goodbye",
        to_name=contact.name,
        to_email=contact.email,
        subject="Thank you",
        body=body,
        state=Message.State.SENDING,
    )
    Outbox.objects.create(
        organization=acme.organization,
        message=message,
        state=Outbox.State.LEASED,
        leased_by="gone",
        lease_until=timezone.now() - timedelta(minutes=1),
        handed_over_at=timezone.now() - timedelta(minutes=4),
    )
    assert outbox.send_one("worker-1")
    line = logs.of(SecurityEvent.SEND_UNCERTAIN)[0]
    assert line["message"] == message.pk and line["org"] == acme.organization_id
    assert body not in logs.text
    assert SecurityLogEntry.objects.filter(organization=acme.organization, event="send.uncertain").exists()


def test_the_log_refuses_a_secret_by_name(db):
    for name in ("password", "token", "body", "reset_link"):
        with pytest.raises(ValueError, match="never records"):
            details: dict[str, Any] = {name: "x"}
            security_event(SecurityEvent.SIGNIN, **details)


def test_the_owner_reads_the_organizations_log_and_a_member_cannot(web_alice, web_bob, web_charlie, bob):
    web_alice.post(f"/members/{bob.pk}/role/", {"role": "owner"})
    web_alice.post(f"/members/{bob.pk}/role/", {"role": "member"})
    page = web_alice.get("/security/")
    assert page.status_code == 200 and b"Role changed" in page.content
    assert web_bob.get("/security/").status_code == 403
    assert b"Role changed" not in web_charlie.get("/security/").content


def test_it_checks_ownership(web_alice, web_charlie, alice):
    web_alice.post("/exits/calendar/", {"action": "create"})
    assert b"Calendar feed created" in web_alice.get("/security/").content
    assert b"Calendar feed created" not in web_charlie.get("/security/").content
    assert UserSession.objects.filter(user=alice).exists()
