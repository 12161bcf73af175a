"""The one gate every send passes: nothing reaches the outbox, and nothing is marked as sent by hand,
without these checks, in this order.

1. The plan's step for the message is open: the job is really over (the readiness check) and whatever else
   the step waits for is done. A notice whose only wait is the plan's call is *held* instead, and goes once
   the call is done.
2. Call first: a notice goes only after the plan's call or meeting (held until then).
3. The tone coach finds no error, or the user said "send anyway" (recorded on the message); a part left for
   the user to make personal ([[…]]) is never sent.
4. Exactly one recipient, a contact of the message's own organization, at the address the contact has now,
   written so it can go on the wire.

`clear()` returns a `Clearance`, which `outbox.queue()` demands: there is no other way into the outbox. The
worker checks the recipient again when it sends (`recipient_problem()`), in case the contact changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from goodterms import templating, tone
from goodterms.exits import selectors as exit_selectors
from goodterms.lib import checks
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import CONVERSATIONS, Channel, Check, MessageKind
from goodterms.messaging import selectors
from goodterms.messaging.mail import NotSendable, check_sendable
from goodterms.messaging.models import Message


class GateRefused(Refused):
    """The gate said no; `message` says why and what to do. `errors` lists the tone coach's errors when
    they were the reason (so the page can offer "send anyway"); `override` is set when the reason is the
    readiness check, which the exit's page can override with a written reason."""

    def __init__(self, message: str, *, errors: tuple[str, ...] = (), override: bool = False) -> None:
        super().__init__(message)
        self.errors = errors
        self.override = override


@dataclass(frozen=True)
class Clearance:
    """What the gate decided for one message: it may go (`held` empty), or it waits for the call."""

    message_id: int
    held: str  # why it waits ("Held until “Call the client” is done…"), or "" when it may go now
    send_anyway_errors: tuple[str, ...]  # the coach's errors the user chose to send despite


def recipient_problem(message: Message) -> str | None:
    """Why the message can no longer go to its recipient, or None: one contact of the message's own
    organization, at the address the contact has now, that can be written on the wire."""
    contact = message.contact
    if contact is None:
        return "This message has no recipient any more: the contact was removed."
    if contact.organization_id != message.organization_id:
        return "The recipient is not one of your organization's contacts."
    if not message.to_email.strip():
        return f"There is no address for {message.to_name} on this message."
    try:
        written = checks.email_address(message.to_email, field="to_email")
    except checks.InvalidValue as invalid:
        return (
            f"The recipient's address (to_email) {message.to_email!r} cannot be written in an email: "
            f"{invalid.message}. Correct it on the contact's page, then draft it again."
        )
    try:
        current = checks.email_address(contact.email).address if contact.email else ""
    except checks.InvalidValue:
        current = ""
    if written.address.casefold() != current.casefold():
        now = f"is now {contact.email}" if contact.email else "has no address now"
        return (
            f"{contact.name}'s address {now}, not {message.to_email} as on this message. Draft it again or "
            "correct the contact, so it goes where you mean."
        )
    return None


def _step_wait(message: Message) -> tuple[str, bool]:
    """(why the message's plan step is not open, whether only the plan's call is missing)."""
    step = message.step
    if step is None or not step.closed_gates:
        return "", False
    steps = {s.key: s for s in step.exit.steps.all()} if step.exit_id else {}
    only_calls = all(gate in steps and steps[gate].channel in CONVERSATIONS for gate in step.closed_gates)
    return exit_selectors.gate_phrase(step=step), only_calls


def clear(message: Message, *, send_anyway: bool = False) -> Clearance:
    """May this email go? A Clearance (to queue, or to hold until the call), or GateRefused saying why."""
    if message.channel != Channel.EMAIL:
        raise GateRefused("This is a call, not an email: mark it as done once you have called.")
    try:
        check_sendable(message)
    except NotSendable as refused:
        raise GateRefused(refused.message) from None
    held = ""
    waits, only_call = _step_wait(message)
    if waits:
        if not (message.kind == MessageKind.NOTICE and only_call):
            readiness = bool(message.step and Check.READINESS in message.step.closed_gates)
            raise GateRefused(
                f"Not yet: “{message.step.title if message.step else message}” waits until {waits}.",
                override=readiness,
            )
        held = f"Held until {waits}: talk first, then confirm in writing."
    if not held and message.kind == MessageKind.NOTICE and message.exit is not None:
        call = selectors.call_step_open(exit_=message.exit)
        if call is not None:
            held = f"Held until “{call.title}” is done: talk first, then confirm in writing."
    marks = templating.personal_marks(f"{message.subject}\n{message.body}")
    if marks:
        raise GateRefused(
            f"The draft still has {len(marks)} part{'s' if len(marks) > 1 else ''} for you to make personal "
            f"([[{marks[0]}]]): write it in your own words, then send."
        )
    report = tone.analyze(message.body, selectors.coach_kind(kind=message.kind, channel=message.channel))
    errors = tuple(f.message for f in report.findings if f.severity == "error")
    if errors and not send_anyway:
        raise GateRefused("The tone coach found something a client may take badly.", errors=errors)
    problem = recipient_problem(message)
    if problem is not None:
        raise GateRefused(problem)
    return Clearance(message_id=message.pk, held=held, send_anyway_errors=errors)


def clear_mark(message: Message) -> None:
    """May the user record that this went out by other means (sent from their mailbox, called)? The plan's
    step must be open, as for a send: a goodbye said before the job is over is still said too early."""
    waits, _only_call = _step_wait(message)
    if waits:
        readiness = bool(message.step and Check.READINESS in message.step.closed_gates)
        raise GateRefused(
            f"Not yet: “{message.step.title if message.step else message}” waits until {waits}. "
            + (
                "Override the checklist on the exit's page, with your reason, if it must go now."
                if readiness
                else ""
            ),
            override=readiness,
        )
