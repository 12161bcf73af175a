"""Forgetting a contact: unsent messages cancelled, their personal data gone from drafts, histories and the
plan; one contact's data exported; another organization's contact out of reach."""

from __future__ import annotations

import json

from goodterms.exits.models import ExitEvent, ExitStep
from goodterms.messaging import outbox
from goodterms.messaging import services as messaging_services
from goodterms.messaging.models import Message, MessageEvent, Outbox
from tests.messaging import test_board_and_editor
from tests.messaging.helpers import queue

ready_exit = test_board_and_editor.ready_exit  # the fixture: Acme's exit with the goodbyes open


def _all_text(org) -> str:
    rows = [
        *Message.objects.filter(organization=org).values_list(
            "to_name", "to_email", "subject", "body", "last_error"
        ),
        *MessageEvent.objects.filter(organization=org).values_list("text"),
        *ExitStep.objects.filter(organization=org).values_list("title", "contact_name", "talking_points"),
        *ExitEvent.objects.filter(organization=org).values_list("text"),
    ]
    return json.dumps(rows, default=str)


def test_forgetting_a_contact_cancels_unsent_messages_and_erases_their_data(
    web_alice, ready_exit, acme, alice
):
    messaging_services.goodbyes_draft(exit_=ready_exit, user=alice)
    dana = acme.contacts.get(name="Dana Diaz")
    goodbye = Message.objects.get(contact=dana, kind="goodbye")
    queue(goodbye)
    assert Outbox.objects.filter(message=goodbye).exists()
    assert "Dana" in _all_text(acme.organization) and "dana@acme.example" in _all_text(acme.organization)
    eli = acme.contacts.get(name="Eli Evans")
    eli_before = list(Message.objects.filter(contact=eli).values_list("state", "body"))

    response = web_alice.post(f"/clients/{acme.pk}/contacts/{dana.pk}/delete/")
    assert response.status_code == 302
    goodbye.refresh_from_db()
    assert goodbye.state == Message.State.CANCELLED
    assert (goodbye.to_email, goodbye.subject, goodbye.body) == ("", "", "")
    assert not Outbox.objects.filter(message=goodbye).exists(), "no worker can send it"
    text = _all_text(acme.organization)
    for trace in ("Dana Diaz", "dana@acme.example", "Dana"):
        assert trace not in text, trace
    assert list(Message.objects.filter(contact=eli).values_list("state", "body")) == eli_before, (
        "Eli keeps his"
    )


def test_a_sent_message_stays_on_record_without_personal_data(web_alice, acme, alice):
    dana = acme.contacts.get(name="Dana Diaz")
    sent = Message.objects.create(
        organization=acme.organization,
        contact=dana,
        kind="goodbye",
        to_name="Dana Diaz",
        to_email=dana.email,
        subject="Thank you, Dana",
        body="Dear Dana, thank you.",
        state=Message.State.SENT,
    )
    outbox.record_event(sent, f"Sent to {dana.email}.")
    web_alice.post(f"/clients/{acme.pk}/contacts/{dana.pk}/delete/")
    sent.refresh_from_db()
    assert sent.state == Message.State.SENT and sent.body == "" and sent.to_email == ""
    assert list(sent.events.values_list("text", flat=True)) == ["Sent to [erased]."]


def test_one_contacts_data_is_exported(web_alice, acme):
    dana = acme.contacts.get(name="Dana Diaz")
    Message.objects.create(
        organization=acme.organization,
        contact=dana,
        kind="goodbye",
        to_name="Dana Diaz",
        to_email=dana.email,
        subject="Thank you",
        body="Dear Dana, thank you.",
    )
    response = web_alice.get(f"/clients/{acme.pk}/contacts/{dana.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["contact"]["email"] == "dana@acme.example" and data["client"]["name"] == "Acme Corp"
    assert [m["body"] for m in data["messages"]] == ["Dear Dana, thank you."]
    assert "steps" in data
    assert "eli@acme.example" not in response.content.decode()


def test_it_checks_ownership(web_charlie, acme):
    dana = acme.contacts.get(name="Dana Diaz")
    assert web_charlie.get(f"/clients/{acme.pk}/contacts/{dana.pk}/export.json").status_code == 404
    assert web_charlie.post(f"/clients/{acme.pk}/contacts/{dana.pk}/delete/").status_code == 404
    assert acme.contacts.filter(pk=dana.pk).exists()
