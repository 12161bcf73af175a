"""One goodbye per person, the coaching, sending rules (tone, readiness, notice after the call), by hand."""

from __future__ import annotations

import email
import json
from datetime import date

import pytest
from django.urls import reverse

from goodterms.clients.models import Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.messaging import services
from goodterms.messaging.jobs import plans_follow_messages
from goodterms.messaging.models import Message, MessageTemplate, Outbox
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011


@pytest.fixture
def ready_exit(acme, alice) -> Exit:
    """Acme's exit with the call done and the checklist clear: the goodbyes are open."""
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the spring relaunch of the shop")
    Contact.objects.filter(name="Eli Evans").update(together_notes="the new checkout")
    exit_ = start_for(acme, alice, deliverables=(), invoices=())
    for pk in (
        exit_.steps.filter(phase__in=["prepare", "notice"])
        .order_by("due", "position")
        .values_list("pk", flat=True)
    ):
        exit_services.step_done(step=ExitStep.objects.get(pk=pk), user=alice, on=TODAY)
    return exit_


def _goodbye(exit_: Exit, name: str) -> Message:
    return Message.objects.get(exit=exit_, kind="goodbye", to_name=name)


def test_one_personal_goodbye_per_person_and_a_call_for_the_phone_person(web_alice, ready_exit):
    response = web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    assert response.status_code == 302
    dana, eli = _goodbye(ready_exit, "Dana Diaz"), _goodbye(ready_exit, "Eli Evans")
    assert dana.channel == "email" and dana.to_email == "dana@acme.example"
    assert "Dana" in dana.body and "Hi all" not in dana.body and "{{" not in dana.body
    assert eli.channel == "call" and "+44 20 7946 0000" in eli.body and "the new checkout" in eli.body
    assert dana.step is not None and dana.step.key == f"goodbye:{dana.contact_id}"
    # Drafting again makes no second message for anyone.
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    assert Message.objects.filter(exit=ready_exit, kind="goodbye").count() == 2
    board = web_alice.get(reverse("messaging:board", args=[ready_exit.pk])).content.decode()
    assert board.count(">Draft<") == 2


def test_everyone_gets_a_draft_and_an_empty_field_is_left_to_make_personal(web_alice, ready_exit, org_a):
    MessageTemplate.objects.create(
        organization=org_a,
        kind="goodbye",
        subject="Thank you",
        body="Dear {{ first_name }}, thanks for {{ together }}.",
    )
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the relaunch")
    Contact.objects.filter(name="Eli Evans").update(preferred_channel="email", together_notes="")
    exit_services.exit_replan(exit_=ready_exit)  # as contact_update() has the plan follow
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]), follow=True)
    dana = Message.objects.get(exit=ready_exit, kind="goodbye", to_name="Dana Diaz")
    eli = Message.objects.get(exit=ready_exit, kind="goodbye", to_name="Eli Evans")
    assert dana.body == "Dear Dana, thanks for the relaunch."
    assert eli.body == "Dear Eli, thanks for [[make it personal: what you did together]]."
    page = web_alice.get(reverse("messaging:edit", args=[eli.pk])).content.decode()
    assert "Make it personal before it goes" in page
    assert "Made from: first name." in page  # what you did together was empty, so it is not listed
    # It cannot go until the part is written, not even "anyway".
    response = web_alice.post(
        reverse("messaging:edit", args=[eli.pk]),
        {"action": "send-now", "confirm": "1", "send_anyway": "1", "subject": eli.subject, "body": eli.body},
    )
    assert "part for you to make personal" in response.content.decode()
    eli.refresh_from_db()
    assert eli.state == "draft" and not Outbox.objects.filter(message=eli).exists()


def test_the_coach_answers_with_offsets_and_the_editor_coaches_without_javascript(web_alice, ready_exit):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    dana = _goodbye(ready_exit, "Dana Diaz")
    text = "Hi all, as I already told you, the project is over."
    answer = web_alice.post(
        reverse("messaging:coach", args=[dana.pk]),
        json.dumps({"body": text}),
        content_type="application/json",
    )
    data = answer.json()
    assert answer.status_code == 200 and data["findings"]
    assert any(text[f["start"] : f["end"]].lower() == "hi all" for f in data["findings"])
    page = web_alice.post(
        reverse("messaging:edit", args=[dana.pk]), {"action": "check", "subject": "Bye", "body": text}
    ).content.decode()
    assert "Hi all" in page and "severity-" in page


def test_errors_need_send_anyway_which_is_recorded(web_alice, ready_exit):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    dana = _goodbye(ready_exit, "Dana Diaz")
    bad = "Hi all, as I already told you, the project is over."
    refused = web_alice.post(
        reverse("messaging:edit", args=[dana.pk]),
        {"action": "send-now", "confirm": "1", "subject": "Bye", "body": bad},
    )
    assert "Send anyway" in refused.content.decode()
    dana.refresh_from_db()
    assert dana.state == "draft" and dana.body == bad  # the edit is kept, nothing queued
    assert not Outbox.objects.exists()
    web_alice.post(
        reverse("messaging:edit", args=[dana.pk]),
        {"action": "send-now", "confirm": "1", "subject": "Bye", "body": bad, "send_anyway": "1"},
    )
    dana.refresh_from_db()
    assert dana.state == "queued" and dana.send_anyway and dana.send_anyway_errors
    assert dana.message_id and Outbox.objects.filter(message=dana).exists()


def test_goodbyes_wait_for_the_readiness_check(web_alice, acme_exit):
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the relaunch")
    web_alice.post(reverse("messaging:draft-goodbyes", args=[acme_exit.pk]))
    dana = _goodbye(acme_exit, "Dana Diaz")
    page = web_alice.post(
        reverse("messaging:edit", args=[dana.pk]),
        {"action": "send-now", "confirm": "1", "subject": dana.subject, "body": dana.body},
        follow=True,
    ).content.decode()
    assert "Not yet" in page
    dana.refresh_from_db()
    assert dana.state == "draft"


def test_a_notice_is_held_until_the_call_is_done(web_alice, acme_exit, alice):
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the relaunch")
    written = acme_exit.steps.get(message_kind="notice")
    dana = Contact.objects.get(name="Dana Diaz")
    choose = web_alice.get(reverse("messaging:draft-step", args=[acme_exit.pk, written.pk])).content.decode()
    assert f'value="{dana.pk}" checked' in choose and "proposed: the primary contact" in choose
    response = web_alice.post(
        reverse("messaging:draft-step", args=[acme_exit.pk, written.pk]), {"contact": dana.pk}
    )
    notice = Message.objects.get(exit=acme_exit, kind="notice")
    assert response["Location"] == reverse("messaging:edit", args=[notice.pk])
    assert notice.to_name == "Dana Diaz"
    web_alice.post(
        reverse("messaging:edit", args=[notice.pk]),
        {
            "action": "send-now",
            "confirm": "1",
            "subject": notice.subject,
            "body": notice.body,
            "send_anyway": "1",
        },
    )
    notice.refresh_from_db()
    assert notice.state == "held" and "Held until" in notice.held_reason
    assert not Outbox.objects.exists()
    for pk in acme_exit.steps.filter(
        channel__in=["call", "meeting"], phase__in=["prepare", "notice"]
    ).values_list("pk", flat=True):
        exit_services.step_done(step=ExitStep.objects.get(pk=pk), user=alice, on=TODAY)
    assert plans_follow_messages() is True
    notice.refresh_from_db()
    assert notice.state == "queued" and Outbox.objects.filter(message=notice).exists()


def test_eml_download_and_sending_by_hand_ticks_the_step(web_alice, ready_exit):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    dana = _goodbye(ready_exit, "Dana Diaz")
    download = web_alice.get(reverse("messaging:eml", args=[dana.pk]))
    assert download["Content-Type"] == "message/rfc822"
    parsed = email.message_from_bytes(download.content)
    assert parsed["To"].endswith("<dana@acme.example>") and "," not in parsed["To"]
    assert parsed["X-Unsent"] == "1" and parsed["Subject"] == dana.subject
    web_alice.post(reverse("messaging:mark", args=[dana.pk]), {"action": "sent-by-hand"})
    dana.refresh_from_db()
    assert dana.state == "sent-by-hand"
    step = ExitStep.objects.get(pk=dana.step.pk)  # type: ignore[union-attr]
    assert step.done_on == TODAY
    board = web_alice.get(reverse("messaging:board", args=[ready_exit.pk])).content.decode()
    assert "Sent" in board
    eli = _goodbye(ready_exit, "Eli Evans")
    web_alice.post(reverse("messaging:mark", args=[eli.pk]), {"action": "called"})
    assert (
        "Called instead" in web_alice.get(reverse("messaging:board", args=[ready_exit.pk])).content.decode()
    )


@pytest.mark.parametrize("name", ["messaging:edit", "messaging:coach", "messaging:eml", "messaging:mark"])
def test_it_checks_ownership(web_charlie, ready_exit, web_alice, name):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    dana = _goodbye(ready_exit, "Dana Diaz")
    url = reverse(name, args=[dana.pk])
    assert web_charlie.get(url).status_code in (404, 405)
    assert web_charlie.post(url, {"action": "sent-by-hand"}).status_code == 404
    assert web_charlie.get(reverse("messaging:board", args=[ready_exit.pk])).status_code == 404
    dana.refresh_from_db()
    assert dana.state == "draft"


def test_a_message_never_has_more_than_one_recipient(ready_exit, alice):
    contact = Contact.objects.get(name="Dana Diaz")
    contact.email = "dana@acme.example"
    message = services.message_draft(exit_=ready_exit, contact=contact, kind="goodbye", user=alice)
    Message.objects.filter(pk=message.pk).update(to_email="dana@acme.example, eli@acme.example")
    message.refresh_from_db()
    with pytest.raises(services.MessageRefused):
        services.message_send(message=message, user=alice, send_anyway=True)
    assert not Outbox.objects.exists()


def test_the_worker_keeps_plans_in_step_with_messages():
    from goodterms.cli.worker import job_table

    assert plans_follow_messages in [job.run for job in job_table()]


def test_a_message_sent_by_the_worker_ticks_its_step(web_alice, ready_exit):
    from goodterms.messaging.jobs import send_messages

    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    dana = _goodbye(ready_exit, "Dana Diaz")
    web_alice.post(
        reverse("messaging:edit", args=[dana.pk]),
        {"action": "send-now", "confirm": "1", "subject": dana.subject, "body": dana.body},
    )
    while send_messages():
        pass
    dana.refresh_from_db()
    assert dana.state == "sent"
    assert plans_follow_messages() is True
    assert dana.step is not None and ExitStep.objects.get(pk=dana.step.pk).done_on is not None
    assert plans_follow_messages() is False


def test_the_user_may_email_someone_the_plan_would_call(web_alice, ready_exit):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    call = _goodbye(ready_exit, "Eli Evans")
    assert call.channel == "call"
    response = web_alice.post(reverse("messaging:mark", args=[call.pk]), {"action": "email-instead"})
    email_draft = Message.objects.get(exit=ready_exit, to_name="Eli Evans", channel="email")
    assert response["Location"] == reverse("messaging:edit", args=[email_draft.pk])
    assert email_draft.to_email == "eli@acme.example" and "the new checkout" in email_draft.body
    call.refresh_from_db()
    assert call.state == "cancelled"
    board = web_alice.get(reverse("messaging:board", args=[ready_exit.pk])).content.decode()
    assert board.count(">Draft<") == 2


def test_an_edited_draft_is_plain_text_never_a_template_again(web_alice, ready_exit):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    dana = _goodbye(ready_exit, "Dana Diaz")
    typed = "Hi Dana,\n\nI wrote {{ first_name }} and {% if x %}braces{% endif %} on purpose.\n\nAlice"
    web_alice.post(
        reverse("messaging:edit", args=[dana.pk]),
        {"action": "save", "subject": "{{ client }}", "body": typed},
    )
    dana.refresh_from_db()
    assert (dana.subject, dana.body) == ("{{ client }}", typed)
    parsed = email.message_from_bytes(web_alice.get(reverse("messaging:eml", args=[dana.pk])).content)
    assert parsed["Subject"] == "{{ client }}"
    payload = parsed.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert "{{ first_name }} and {% if x %}braces{% endif %}" in payload.decode()


def test_a_held_notice_that_can_no_longer_be_sent_fails_with_why_and_the_others_go(ready_exit, org_a):
    def held(subject: str, name: str) -> Message:
        contact = Contact.objects.get(name=name)
        return Message.objects.create(
            organization=org_a,
            exit=ready_exit,
            kind="notice",
            state=Message.State.HELD,
            contact=contact,
            to_name=name,
            to_email=contact.email,
            subject=subject,
            body=f"Hi {name.split()[0]},\n\nAs we discussed, my last day is Friday 15 January 2027.",
        )

    broken = held("Our work\r\nBcc: eve@evil.example", "Dana Diaz")
    fine = held("Our work together", "Eli Evans")
    assert services.held_notices_release() == 1
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.state == Message.State.FAILED and "subject" in broken.last_error
    assert "carriage return" in broken.last_error
    assert fine.state == Message.State.QUEUED
    assert broken.events.filter(
        text__startswith="The call is done, but the notice could not be queued"
    ).exists()


def test_the_editor_refuses_a_subject_with_a_line_break_and_keeps_the_draft(web_alice, ready_exit):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[ready_exit.pk]))
    dana = _goodbye(ready_exit, "Dana Diaz")
    response = web_alice.post(
        reverse("messaging:edit", args=[dana.pk]),
        {"action": "save", "subject": "Thanks\nBcc: eve@evil.example", "body": dana.body},
    )
    assert "The subject: Contains a line feed (LF)" in response.content.decode()
    dana.refresh_from_db()
    assert "\n" not in dana.subject
