"""The one gate: every way a message can leave is checked the same way, and no other way exists."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from goodterms.accounts.models import Organization, User
from goodterms.clients.models import Client, Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.messaging import gate, outbox, services
from goodterms.messaging.models import Message, Outbox
from tests.messaging.helpers import make_message, queue

TODAY = date.today()  # noqa: DTZ011


def _tick_calls(exit_: Exit, user: object) -> None:
    for step in exit_.steps.filter(channel__in=["call", "meeting"], phase__in=["prepare", "notice"]):
        exit_services.step_done(step=step, user=user, on=TODAY)  # type: ignore[arg-type]


def _goodbye(exit_: Exit, user: User, name: str = "Dana Diaz") -> Message:
    contact = Contact.objects.get(client=exit_.client, name=name)
    contact.together_notes = "the spring relaunch"
    contact.save()
    return services.message_draft(
        exit_=exit_,
        contact=contact,
        kind="goodbye",
        user=user,
        channel="email",
    )


@pytest.fixture
def locked_goodbye(acme_exit, alice) -> Message:
    """A goodbye whose plan step is locked: the invoice is unpaid and the call is not done."""
    message = _goodbye(acme_exit, alice)
    assert message.step is not None and message.step.closed_gates
    return message


# --- each way around the gate is closed -------------------------------------------------------------------


def test_a_locked_goodbye_cannot_be_sent_scheduled_or_marked_sent(locked_goodbye, alice):
    future = timezone.now() + timedelta(days=3)
    for attempt in (
        lambda: services.message_send(message=locked_goodbye, user=alice),
        lambda: services.message_send(message=locked_goodbye, user=alice, send_at=future, send_anyway=True),
        lambda: services.message_mark(message=locked_goodbye, user=alice, action="sent-by-hand"),
    ):
        with pytest.raises(services.MessageRefused, match="Not yet") as refused:
            attempt()
        assert refused.value.override  # the checklist's override is the way, and the page says so
    locked_goodbye.refresh_from_db()
    assert locked_goodbye.state == "draft" and not Outbox.objects.exists()


def test_resend_of_a_draft_or_a_held_message_is_refused(locked_goodbye, alice, web_alice):
    for state in ("draft", "held"):
        Message.objects.filter(pk=locked_goodbye.pk).update(state=state)
        locked_goodbye.refresh_from_db()
        with pytest.raises(services.MessageRefused, match="Only a failed message"):
            services.message_resend(message=locked_goodbye, user=alice)
        web_alice.post(
            reverse("messaging:mark", args=[locked_goodbye.pk]), {"action": "resend", "confirm": "1"}
        )
    assert not Outbox.objects.exists()


def test_resend_of_a_failed_message_goes_through_the_gate_again(locked_goodbye, alice):
    Message.objects.filter(pk=locked_goodbye.pk).update(state="failed", last_error="550 no such person")
    locked_goodbye.refresh_from_db()
    with pytest.raises(services.MessageRefused, match="Not yet"):
        services.message_resend(message=locked_goodbye, user=alice)
    assert not Outbox.objects.exists()


def test_an_error_needs_send_anyway_and_a_personal_part_is_never_sent(acme_exit, alice):
    acme_exit.readiness_items.update(done_at=timezone.now())
    exit_services.exit_replan(exit_=acme_exit)
    _tick_calls(acme_exit, alice)
    message = _goodbye(acme_exit, alice)
    message.refresh_from_db()
    services.message_save(message=message, user=alice, subject="Bye", body="Hi all, you never listened.")
    with pytest.raises(services.MessageRefused) as refused:
        services.message_send(message=message, user=alice)
    assert refused.value.errors
    services.message_save(
        message=message, user=alice, subject="Bye", body="Hi Dana,\n\n[[say thanks]]\n\nAlice"
    )
    with pytest.raises(services.MessageRefused, match="make personal"):
        services.message_send(message=message, user=alice, send_anyway=True)
    assert not Outbox.objects.exists()


def test_a_notice_before_its_call_is_held_however_it_is_asked_to_go(acme_exit, alice):
    dana = Contact.objects.get(name="Dana Diaz")
    step = acme_exit.steps.get(message_kind="notice")
    notice = services.message_draft(exit_=acme_exit, contact=dana, kind="notice", user=alice, step=step)
    note = services.message_send(message=notice, user=alice, send_anyway=True)
    assert note.startswith("Held until")
    notice.refresh_from_db()
    assert notice.state == "held"
    # Sending it "now" again, or marking it sent by hand, does not get it past the call.
    assert services.message_send(message=notice, user=alice, send_anyway=True).startswith("Held until")
    with pytest.raises(services.MessageRefused, match="Not yet"):
        services.message_mark(message=notice, user=alice, action="sent-by-hand")
    assert services.held_notices_release() == 0
    assert not Outbox.objects.exists()


def test_queue_refuses_without_the_gates_clearance_for_that_message(org_a):
    one, other = make_message(org_a, 1), make_message(org_a, 2)
    with pytest.raises(ValueError, match="clearance"):
        outbox.queue(one, None)  # type: ignore[arg-type]  # the mistake this test makes on purpose
    with pytest.raises(ValueError, match="clearance"):
        outbox.queue(one, gate.Clearance(message_id=other.pk, held="", send_anyway_errors=()))
    with pytest.raises(ValueError, match="clearance"):
        outbox.queue(
            one, gate.Clearance(message_id=one.pk, held="Held until the call", send_anyway_errors=())
        )
    assert not Outbox.objects.exists()


def test_only_the_services_queue_and_only_after_the_gate():
    """Read the code: outbox.queue() is called in messaging/services.py alone, each time with a clearance
    that gate.clear() gave; nothing but the gate makes a Clearance."""
    import ast
    from pathlib import Path

    import goodterms

    src = Path(goodterms.__file__).parent
    queue_calls: dict[str, list[ast.Call]] = {}
    clearances: list[str] = []
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute | ast.Name):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            owner = (
                node.func.value.id
                if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                else ""
            )
            if name == "queue" and owner == "outbox":
                queue_calls.setdefault(str(path.relative_to(src)), []).append(node)
            if name == "Clearance":
                clearances.append(str(path.relative_to(src)))
    assert set(queue_calls) == {"messaging/services.py"}
    for call in queue_calls["messaging/services.py"]:
        assert isinstance(call.args[1], ast.Name) and call.args[1].id == "clearance"
    assert set(clearances) == {"messaging/gate.py"}


# --- the worker checks again ------------------------------------------------------------------------------


def test_another_organizations_contact_on_a_row_fails_it_at_send_time(org_a, org_b, mailoutbox):
    message = make_message(org_a)
    queue(message)
    stranger = Contact.objects.create(
        organization=org_b,
        client=Client.objects.create(organization=org_b, name="Bravo client"),
        name="Sam Stranger",
        email=message.to_email,
    )
    Message.objects.filter(pk=message.pk).update(contact=stranger)  # a row tampered with, or a bug
    outbox.send_one("w1")
    message.refresh_from_db()
    assert message.state == "failed" and "not one of your organization's contacts" in message.last_error
    assert mailoutbox == []


def test_a_contact_whose_address_changed_is_not_written_to_at_the_old_one(org_a, mailoutbox):
    message = make_message(org_a)
    queue(message)
    assert message.contact is not None
    Contact.objects.filter(pk=message.contact.pk).update(email="dana.new@acme.example")
    outbox.send_one("w1")
    message.refresh_from_db()
    assert message.state == "failed" and "is now dana.new@acme.example" in message.last_error
    assert mailoutbox == []


# --- a walk of every action in every state: nothing reaches the outbox around the gate ---------------------

STATES = ["draft", "held", "queued", "failed", "uncertain", "sent", "sent-by-hand", "called", "cancelled"]
EDIT_ACTIONS = ["save", "check", "send-now", "schedule", "unschedule"]
MARK_ACTIONS = [
    "sent-by-hand",
    "called",
    "replied",
    "cancel",
    "resend",
    "confirm-delivered",
    "email-instead",
    "undo-sent-by-hand",
    "undo-called",
    "undo-replied",
]


def test_every_action_in_every_state_queues_only_what_the_gate_cleared(
    locked_goodbye, web_alice, monkeypatch
):
    cleared: list[int] = []
    real_clear = gate.clear

    def spying_clear(message: Message, *, send_anyway: bool = False) -> gate.Clearance:
        clearance = real_clear(message, send_anyway=send_anyway)
        cleared.append(message.pk)
        return clearance

    monkeypatch.setattr(gate, "clear", spying_clear)
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for state, (url, action) in itertools.product(
        STATES,
        [("messaging:edit", a) for a in EDIT_ACTIONS] + [("messaging:mark", a) for a in MARK_ACTIONS],
    ):
        Outbox.objects.all().delete()
        Message.objects.filter(pk=locked_goodbye.pk).update(state=state, held_reason="")
        web_alice.post(
            reverse(url, args=[locked_goodbye.pk]),
            {"action": action, "confirm": "1", "send_anyway": "1", "send_at": future},
        )
        queued = set(Outbox.objects.values_list("message_id", flat=True))
        assert queued <= set(cleared), f"{action} on a {state} message queued around the gate"
    # The goodbye's step is locked, so the gate cleared nothing: nothing reached the outbox at all.
    assert cleared == [] and not Outbox.objects.exists()
    assert not Message.objects.filter(pk=locked_goodbye.pk, state__in=["sent-by-hand", "called"]).exists()


def test_the_walk_does_reach_the_outbox_when_the_gate_opens(acme_exit, alice, web_alice):
    """The walk above proves something only if its posts can queue: with the step open, send-now does."""
    acme_exit.readiness_items.update(done_at=timezone.now())
    exit_services.exit_replan(exit_=acme_exit)
    _tick_calls(acme_exit, alice)
    message = _goodbye(acme_exit, alice)
    web_alice.post(reverse("messaging:edit", args=[message.pk]), {"action": "send-now", "confirm": "1"})
    assert Outbox.objects.filter(message=message).exists()


def test_an_organization_with_nobody_to_send_to(db):
    org = Organization.objects.create(name="Empty")
    message = Message.objects.create(
        organization=org, kind="goodbye", to_name="Nobody", to_email="nobody@nowhere.example", body="Hi"
    )
    with pytest.raises(gate.GateRefused, match="no recipient"):
        gate.clear(message)
    assert ExitStep.objects.count() == 0
