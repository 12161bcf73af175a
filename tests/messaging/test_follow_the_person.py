"""Plans that follow the person: the goodbye step's channel, "called instead", "email instead", the call
script the coach reads as one, and the board naming what a goodbye really waits for."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from goodterms.clients.models import Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib.vocabulary import Channel, MessageKind, Phase
from goodterms.messaging import selectors
from goodterms.messaging.jobs import plans_follow_messages
from goodterms.messaging.models import Message
from tests.exits.conftest import start_for

TODAY = date.today()  # noqa: DTZ011


def _goodbye_step(exit_: Exit, name: str) -> ExitStep:
    step: ExitStep = exit_.steps.get(message_kind=MessageKind.GOODBYE, contact__name=name)
    return step


@pytest.fixture
def open_goodbyes(acme, alice) -> Exit:
    """Acme's exit with the call done and nothing left on the checklist: the goodbyes may go."""
    exit_ = start_for(acme, alice, deliverables=(), invoices=())
    for step in exit_.steps.filter(phase__in=[Phase.PREPARE, Phase.NOTICE]).order_by("due", "position"):
        exit_services.step_done(step=ExitStep.objects.get(pk=step.pk), user=alice, on=TODAY)
    return exit_


def test_a_phone_person_s_goodbye_step_is_a_call_and_the_plan_page_says_so(web_alice, acme, alice):
    exit_ = start_for(acme, alice)
    assert _goodbye_step(exit_, "Eli Evans").channel == Channel.CALL  # Eli prefers the phone
    assert _goodbye_step(exit_, "Dana Diaz").channel == Channel.EMAIL
    page = web_alice.get(reverse("exits:detail", args=[exit_.pk])).content.decode()
    assert '<h3>Say goodbye to Eli Evans <span class="muted">· Call</span></h3>' in page

    Contact.objects.filter(name="Eli Evans").update(preferred_channel=Channel.EMAIL)
    exit_services.exit_replan(exit_=exit_)
    assert _goodbye_step(exit_, "Eli Evans").channel == Channel.EMAIL
    page = web_alice.get(reverse("exits:detail", args=[exit_.pk])).content.decode()
    assert '<h3>Say goodbye to Eli Evans <span class="muted">· Email</span></h3>' in page


def test_called_instead_makes_the_step_a_call_and_email_instead_an_email(web_alice, open_goodbyes):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[open_goodbyes.pk]))
    dana = Message.objects.get(exit=open_goodbyes, kind=MessageKind.GOODBYE, to_name="Dana Diaz")
    assert dana.channel == Channel.EMAIL
    web_alice.post(reverse("messaging:mark", args=[dana.pk]), {"action": "called", "confirm": "1"})
    while plans_follow_messages():
        pass
    step = _goodbye_step(open_goodbyes, "Dana Diaz")
    exit_services.exit_replan(exit_=open_goodbyes)
    step.refresh_from_db()
    assert step.done_on is not None
    assert step.channel == Channel.CALL, "done by phone: the plan says so, still after a re-plan"

    eli = Message.objects.get(exit=open_goodbyes, kind=MessageKind.GOODBYE, to_name="Eli Evans")
    assert eli.channel == Channel.CALL
    response = web_alice.post(
        reverse("messaging:mark", args=[eli.pk]), {"action": "email-instead", "confirm": "1"}
    )
    assert response.status_code == 302
    replacement = Message.objects.get(
        exit=open_goodbyes, kind=MessageKind.GOODBYE, to_name="Eli Evans", channel=Channel.EMAIL
    )
    assert replacement.to_email == "eli@acme.example"
    exit_services.exit_replan(exit_=open_goodbyes)
    assert _goodbye_step(open_goodbyes, "Eli Evans").channel == Channel.EMAIL


def test_the_coach_reads_a_call_as_a_call_script(web_alice, open_goodbyes):
    web_alice.post(reverse("messaging:draft-goodbyes", args=[open_goodbyes.pk]))
    eli = Message.objects.get(exit=open_goodbyes, kind=MessageKind.GOODBYE, to_name="Eli Evans")
    assert eli.channel == Channel.CALL
    assert eli.body.startswith("Call Eli on +44 20 7946 0000.")
    as_letter = {f.rule for f in selectors.coach(text=eli.body, kind=MessageKind.GOODBYE).findings}
    as_call = {
        f.rule
        for f in selectors.coach(text=eli.body, kind=MessageKind.GOODBYE, channel=Channel.CALL).findings
    }
    greeting_rules = {rule for rule in as_letter if rule.startswith(("cold.", "mass-greeting."))}
    assert greeting_rules, "read as a letter, talking points lack a greeting"
    assert not (as_call & greeting_rules), "read as a call script, no greeting is expected"
    coach = web_alice.post(
        reverse("messaging:coach", args=[eli.pk]),
        json.dumps({"body": eli.body}),
        content_type="application/json",
    ).json()
    assert not [f for f in coach["findings"] if f["rule"] in greeting_rules]


def test_the_board_names_only_the_call_when_only_the_call_waits(web_alice, acme, alice):
    exit_ = start_for(acme, alice, deliverables=(), invoices=())  # nothing on the checklist
    board = web_alice.get(reverse("messaging:board", args=[exit_.pk])).content.decode()
    assert "Waits until" in board
    assert "is done" in board
    assert "the checklist is done" not in board, "the checklist is complete: only the call is waiting"


def test_the_board_names_the_checklist_when_work_is_open(web_alice, acme, alice):
    exit_ = start_for(acme, alice)  # deliverables and invoices still open
    for step in exit_.steps.filter(phase__in=[Phase.PREPARE, Phase.NOTICE]).order_by("due", "position"):
        exit_services.step_done(step=ExitStep.objects.get(pk=step.pk), user=alice, on=TODAY)
    board = web_alice.get(reverse("messaging:board", args=[exit_.pk])).content.decode()
    assert "the checklist is done (deliverables delivered, invoices paid)" in board
    assert "“Call" not in board.split("Waits until", 1)[1][:200]


def test_it_checks_ownership(web_charlie, acme, alice):
    exit_ = start_for(acme, alice)
    assert web_charlie.get(reverse("messaging:board", args=[exit_.pk])).status_code == 404
