"""Messages the user controls: every contact drafted, nothing private in a draft, the notice to the person
chosen, once meaning once, nothing lost silently, and marks that can be undone with the plan following."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goodterms.clients.models import Contact
from goodterms.exits import selectors as exit_selectors
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.messaging import outbox, services
from goodterms.messaging.models import BODY_MAX, SUBJECT_MAX, Message, Outbox
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011


def _open(exit_: Exit, user: object) -> Exit:
    """The checklist done and the call made: the goodbyes may go."""
    exit_.readiness_items.update(done_at=timezone.now())
    exit_services.exit_replan(exit_=exit_)
    for step in exit_.steps.filter(channel__in=["call", "meeting"], phase__in=["prepare", "notice"]):
        exit_services.step_done(step=step, user=user, on=TODAY)  # type: ignore[arg-type]
    return exit_


@pytest.fixture
def open_exit(acme_exit, alice) -> Exit:
    return _open(acme_exit, alice)


# --- every contact gets a draft, nothing private in it ---------------------------------------------------


def test_everyone_gets_a_draft_whatever_is_missing(open_exit, alice, org_a):
    Contact.objects.create(organization=org_a, client=open_exit.client, name="Fay Fox")  # no address at all
    Contact.objects.filter(name="Eli Evans").update(preferred_channel="email", together_notes="")
    exit_services.exit_replan(exit_=open_exit)  # as contact_update() has the plan follow
    drafted = services.goodbyes_draft(exit_=open_exit, user=alice)
    assert drafted.problems == []
    by_name = {m.to_name: m for m in Message.objects.filter(exit=open_exit, kind="goodbye")}
    assert set(by_name) == {"Dana Diaz", "Eli Evans", "Fay Fox"}
    assert by_name["Fay Fox"].channel == "call"  # nobody to email: a call task, said so in its history
    assert by_name["Fay Fox"].events.filter(text__contains="no usable email address").exists()
    assert "[[make it personal:" in by_name["Eli Evans"].body  # the warm sentence, left to make personal


def test_private_notes_never_reach_a_draft_and_the_editor_says_what_was_used(web_alice, open_exit, alice):
    Contact.objects.filter(name="Dana Diaz").update(
        together_notes="the spring relaunch", private_notes="Met at Web Summit 2023. Likes short emails."
    )
    dana = Contact.objects.get(name="Dana Diaz")
    for kind in ("goodbye", "notice", "completion", "feedback-request", "check-in", "referral-ask"):
        message = services.message_draft(
            exit_=open_exit, contact=dana, kind=kind, user=alice, channel="email"
        )
        assert "Web Summit" not in message.subject + message.body, kind
        assert "Likes short emails" not in message.subject + message.body, kind
    goodbye = Message.objects.get(exit=open_exit, contact=dana, kind="goodbye")
    assert "the spring relaunch" in goodbye.body
    assert "what you did together" in goodbye.fields_used and "first name" in goodbye.fields_used
    page = web_alice.get(reverse("messaging:edit", args=[goodbye.pk])).content.decode()
    assert "Made from: " in page and "Private notes are never used." in page


def test_write_it_yourself_starts_from_a_greeting_only(web_alice, open_exit):
    dana = Contact.objects.get(name="Dana Diaz")
    response = web_alice.post(
        reverse("messaging:draft-person", args=[open_exit.pk, dana.pk]), {"own_words": "1"}
    )
    message = Message.objects.get(exit=open_exit, contact=dana, kind="goodbye")
    assert response["Location"] == reverse("messaging:edit", args=[message.pk])
    assert message.body.startswith("Hi Dana,") and "[[write your message here]]" in message.body
    assert message.fields_used == []


def test_the_notice_goes_to_the_person_chosen_and_nobody_is_guessed(web_alice, acme_exit, org_a):
    Contact.objects.filter(client=acme_exit.client).update(is_primary=False)
    step = acme_exit.steps.get(message_kind="notice")
    url = reverse("messaging:draft-step", args=[acme_exit.pk, step.pk])
    page = web_alice.get(url).content.decode()
    assert "choose the person" in page and " checked" not in page
    assert web_alice.post(url, {}).status_code == 302  # nothing chosen: nothing drafted
    assert not Message.objects.exists()
    eli = Contact.objects.get(name="Eli Evans")
    web_alice.post(url, {"contact": eli.pk})
    assert Message.objects.get(kind="notice").to_name == "Eli Evans"


def test_the_notice_proposes_the_person_the_call_was_with(web_alice, acme_exit):
    eli = Contact.objects.get(name="Eli Evans")
    call = acme_exit.steps.filter(channel__in=["call", "meeting"], phase="notice").first()
    ExitStep.objects.filter(pk=call.pk).update(contact=eli)
    step = acme_exit.steps.get(message_kind="notice")
    page = web_alice.get(reverse("messaging:draft-step", args=[acme_exit.pk, step.pk])).content.decode()
    assert f'value="{eli.pk}" checked' in page and "the person of the call" in page


# --- once means once --------------------------------------------------------------------------------------


def _in_threads(count: int, work: Callable[[], object]) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_drafting_for_everyone_eight_times_at_once_makes_one_draft_each(acme, alice):
    exit_ = _open(start_for(acme, alice), alice)
    errors = _in_threads(8, lambda: services.goodbyes_draft(exit_=Exit.objects.get(pk=exit_.pk), user=alice))
    assert errors == []
    counts = sorted(Message.objects.filter(exit=exit_, kind="goodbye").values_list("to_name", flat=True))
    assert counts == ["Dana Diaz", "Eli Evans"]


@pytest.mark.django_db(transaction=True)
def test_sending_twice_at_once_queues_once(acme, alice, mailoutbox):
    exit_ = _open(start_for(acme, alice), alice)
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the spring relaunch")
    dana = services.message_draft(
        exit_=exit_, contact=Contact.objects.get(name="Dana Diaz"), kind="goodbye", user=alice
    )
    outcomes: list[str] = []

    def send() -> None:
        message = Message.objects.select_related("exit", "step", "contact", "organization").get(pk=dana.pk)
        try:
            outcomes.append(services.message_send(message=message, user=alice))
        except services.MessageRefused as refused:
            outcomes.append(refused.message)

    assert _in_threads(4, send) == []
    assert Outbox.objects.filter(message=dana).count() == 1
    while outbox.send_batch("w1"):
        pass
    assert len(mailoutbox) == 1


# --- nothing lost silently --------------------------------------------------------------------------------


def test_an_over_long_body_or_subject_is_refused_with_the_limit_and_the_text_kept(
    web_alice, open_exit, alice
):
    dana = services.message_draft(
        exit_=open_exit, contact=Contact.objects.get(name="Dana Diaz"), kind="goodbye", user=alice
    )
    body = "All good. " * 6_113  # 61,130 characters
    response = web_alice.post(
        reverse("messaging:edit", args=[dana.pk]), {"action": "save", "subject": dana.subject, "body": body}
    )
    page = response.content.decode()
    assert f"the most goodterms keeps is {BODY_MAX:,}" in page and "nothing was saved" in page
    assert body in page  # the typed text is back in the form, all of it
    dana.refresh_from_db()
    assert len(dana.body) < BODY_MAX
    subject = "Thanks " * 60  # 420 characters
    page = web_alice.post(
        reverse("messaging:edit", args=[dana.pk]), {"action": "save", "subject": subject, "body": dana.body}
    ).content.decode()
    assert f"the most a subject can have is {SUBJECT_MAX:,}" in page and subject.strip() in page
    dana.refresh_from_db()
    assert dana.subject != subject


# --- marks follow the gate and can be undone; the plan, the score and the calendar agree --------------------


def test_i_sent_it_myself_on_a_locked_goodbye_is_refused(web_alice, acme_exit, alice):
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the relaunch")
    dana = services.message_draft(
        exit_=acme_exit, contact=Contact.objects.get(name="Dana Diaz"), kind="goodbye", user=alice
    )
    web_alice.post(reverse("messaging:mark", args=[dana.pk]), {"action": "sent-by-hand"})
    dana.refresh_from_db()
    assert dana.state == "draft"


def test_a_mark_ticks_the_step_and_its_undo_opens_it_again_everywhere(web_alice, open_exit, alice):
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the relaunch")
    dana = services.message_draft(
        exit_=open_exit, contact=Contact.objects.get(name="Dana Diaz"), kind="goodbye", user=alice
    )
    step = dana.step
    assert step is not None

    def goodbyes_done() -> int:
        page = exit_selectors.exit_page(exit_=Exit.objects.get(pk=open_exit.pk))
        point = next(p for p in page.score.points if p.practice.startswith("Every contact"))
        return int(point.reason.split()[0]) if point.reason[0].isdigit() else (2 if point.met else 0)

    token = exit_services.calendar_feed_create(org=open_exit.organization, user=alice)

    def in_calendar() -> bool:
        feed = Client().get(reverse("exits:feed", args=[token])).content.decode()
        return step.title.replace(",", "\\,") in feed

    assert in_calendar()
    web_alice.post(reverse("messaging:mark", args=[dana.pk]), {"action": "sent-by-hand"})
    step.refresh_from_db()
    assert step.done_on is not None
    assert not in_calendar()
    board = web_alice.get(reverse("messaging:board", args=[open_exit.pk])).content.decode()
    assert "Sent from your mailbox" in board
    assert goodbyes_done() == 1

    web_alice.post(reverse("messaging:mark", args=[dana.pk]), {"action": "undo-sent-by-hand"})
    dana.refresh_from_db()
    step.refresh_from_db()
    assert dana.state == "draft" and dana.sent_at is None
    assert ExitStep.objects.get(pk=step.pk).done_on is None  # the plan's step is open again
    assert goodbyes_done() == 0
    assert dana.events.filter(text__startswith="Undone").exists()
    assert open_exit.events.filter(text__startswith="Marked as not done").exists()
    assert in_calendar()  # the calendar lists the goodbye again


def test_they_replied_can_be_undone(web_alice, open_exit, alice):
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the relaunch")
    dana = services.message_draft(
        exit_=open_exit, contact=Contact.objects.get(name="Dana Diaz"), kind="goodbye", user=alice
    )
    services.message_mark(message=dana, user=alice, action="sent-by-hand")
    services.message_mark(message=dana, user=alice, action="replied")
    dana.refresh_from_db()
    assert dana.state_label == "Replied"
    web_alice.post(reverse("messaging:mark", args=[dana.pk]), {"action": "undo-replied"})
    dana.refresh_from_db()
    assert dana.replied_at is None and dana.state_label == "Sent from your mailbox"


def test_one_name_for_each_state_on_the_board_and_in_the_editor(web_alice, open_exit, alice):
    Contact.objects.filter(name="Dana Diaz").update(together_notes="the relaunch")
    dana = services.message_draft(
        exit_=open_exit, contact=Contact.objects.get(name="Dana Diaz"), kind="goodbye", user=alice
    )
    services.message_send(message=dana, user=alice, send_at=timezone.now() + timedelta(days=2))
    editor = web_alice.get(reverse("messaging:edit", args=[dana.pk])).content.decode()
    board = web_alice.get(reverse("messaging:board", args=[open_exit.pk])).content.decode()
    assert ">Scheduled<" in editor and ">Scheduled<" in board
    assert "Queued" not in editor + board
