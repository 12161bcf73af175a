"""Drafting, editing and sending an exit's messages: one per person, coached, and only when the plan allows.

Drafts are rendered once from the organization's template (templates_service.template_for) with the fields of
one contact. After that a draft is plain text that the user edits; it is never evaluated as a template again.
Sending goes through outbox.queue(), the only way a message reaches the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from goodterms import playbook, templating, tone
from goodterms.accounts.models import User
from goodterms.accounts.orgscope import scoped
from goodterms.clients.models import Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import Channel, PreferredChannel
from goodterms.messaging import outbox
from goodterms.messaging.models import Message, MessageEvent
from goodterms.messaging.templates_service import template_for

OPEN_STATES = (
    Message.State.DRAFT,
    Message.State.HELD,
    Message.State.QUEUED,
    Message.State.SENDING,
    Message.State.FAILED,
    Message.State.UNCERTAIN,
)
DONE_STATES = (Message.State.SENT, Message.State.SENT_BY_HAND, Message.State.CALLED)
EDITABLE_STATES = (Message.State.DRAFT, Message.State.HELD, Message.State.FAILED)


class MessageRefused(Refused):
    """The action on a message was refused and nothing was written; `message` says why; `errors` lists the
    tone coach's errors when those were the reason."""

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def record(message: Message, user: User | None, text: str) -> None:
    MessageEvent.objects.create(organization=message.organization, message=message, user=user, text=text)


def first_name(name: str) -> str:
    words = name.split()
    return words[0] if words else name


def fields_for(exit_: Exit, contact: Contact, user: User) -> dict[str, str]:
    """The documented template fields (templating.FIELDS) for one person at the client."""
    client = exit_.client
    return {
        "first_name": first_name(contact.name),
        "contact_name": contact.name,
        "role": contact.role,
        "together": contact.together_notes.strip(),
        "client": client.name,
        "company": client.company or client.name,
        "end_date": playbook.describe_day(exit_.end_date),
        "notice_date": playbook.describe_day(exit_.notice_date),
        "handover_contact": exit_.handover_to,
        "sender": user.name,
        "sender_first_name": first_name(user.name),
        "organization": exit_.organization.name,
    }


def _render(exit_: Exit, contact: Contact, kind: str, user: User) -> tuple[str, str]:
    subject_source, body_source, _is_default = template_for(exit_.organization, kind)
    try:
        rendered = templating.render(subject_source, body_source, fields_for(exit_, contact, user))
    except templating.MissingFields as missing:
        raise MessageRefused(f"No draft for {contact.name}: {missing}") from None
    except templating.TemplateProblems as problems:
        raise MessageRefused(
            f"No draft for {contact.name}: the {kind} template needs fixing (Settings, Message templates): "
            f"{problems}"
        ) from None
    return rendered.subject, rendered.body


def call_points(exit_: Exit, contact: Contact) -> str:
    """A call instead of an email, for someone who prefers the phone: what to say, in a few lines."""
    lines = [f"Call {contact.name}" + (f" ({contact.phone})" if contact.phone else "") + "."]
    if contact.together_notes.strip():
        lines.append(f"- Thank them for what you did together: {contact.together_notes.strip()}")
    else:
        lines.append("- Thank them for one thing you did together, by name.")
    lines.append(f"- Say when your last day is: {playbook.describe_day(exit_.end_date)}.")
    if exit_.handover_to:
        lines.append(f"- Tell them who takes over: {exit_.handover_to}.")
    lines.append("- Ask whether you may keep in touch, and how they prefer to hear from you.")
    return "\n".join(lines)


def goodbye_step(exit_: Exit, contact: Contact) -> ExitStep | None:
    return scoped(ExitStep, exit_.organization).filter(exit=exit_, key=f"goodbye:{contact.pk}").first()


def _open_message(exit_: Exit, contact: Contact, kind: str) -> Message | None:
    return (
        scoped(Message, exit_.organization)
        .filter(exit=exit_, contact=contact, kind=kind)
        .exclude(state=Message.State.CANCELLED)
        .first()
    )


def draft(
    *, exit_: Exit, contact: Contact, kind: str, user: User, step: ExitStep | None = None, channel: str = ""
) -> Message:
    """A personal draft for one person (or a call task if they prefer the phone). One per person and kind."""
    if not exit_.is_running:
        raise MessageRefused("This exit is cancelled.")
    existing = _open_message(exit_, contact, kind)
    if existing is not None:
        return existing
    channel = channel or (
        Channel.CALL
        if kind == "goodbye" and contact.preferred_channel == PreferredChannel.PHONE
        else Channel.EMAIL
    )
    if channel == Channel.EMAIL:
        if not contact.email:
            raise MessageRefused(
                f"No draft for {contact.name}: there is no email address. Add one on the client's page, "
                "or choose a call instead."
            )
        subject, body = _render(exit_, contact, kind, user)
    else:
        subject, body = f"Call {contact.name}", call_points(exit_, contact)
    if step is None and kind == "goodbye":
        step = goodbye_step(exit_, contact)
    with transaction.atomic():
        message = Message.objects.create(
            organization=exit_.organization,
            exit=exit_,
            step=step,
            contact=contact,
            kind=kind,
            channel=channel,
            to_name=contact.name,
            to_email=contact.email if channel == Channel.EMAIL else "",
            from_name=user.name,
            from_email=user.email,
            subject=subject,
            body=body,
            created_by=user,
        )
        what = "Call task" if channel == Channel.CALL else "Draft"
        record(message, user, f"{what} written from the {message.get_kind_display().lower()} template.")
    return message


@dataclass(frozen=True)
class Drafted:
    created: list[Message]
    problems: list[str]


def draft_goodbyes(*, exit_: Exit, user: User) -> Drafted:
    """One goodbye per person at the client. Someone who cannot be drafted is named, the others still are."""
    created, problems = [], []
    for contact in scoped(Contact, exit_.organization).filter(client=exit_.client).order_by("name", "pk"):
        if _open_message(exit_, contact, "goodbye") is not None:
            continue
        try:
            created.append(draft(exit_=exit_, contact=contact, kind="goodbye", user=user))
        except MessageRefused as refused:
            problems.append(refused.message)
    return Drafted(created, problems)


def recipient_for_step(step: ExitStep) -> Contact | None:
    """Who a step's message goes to: the step's contact, else the client's primary contact, else anyone."""
    if step.contact_id:
        return scoped(Contact, step.organization).filter(pk=step.contact_id).first()
    contacts = scoped(Contact, step.organization).filter(client=step.exit.client_id)
    return contacts.order_by("-is_primary", "name", "pk").first()


def save(*, message: Message, user: User, subject: str, body: str) -> None:
    """Keep the user's edit. From now on the draft is plain text: it is never rendered as a template again."""
    if message.state not in EDITABLE_STATES:
        raise MessageRefused(
            f"This message is {message.get_state_display().lower()}; it can no longer change."
        )
    if (message.subject, message.body) == (subject, body):
        return
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(subject=subject, body=body, updated_at=timezone.now())
        message.subject, message.body = subject, body
        record(message, user, "Draft edited.")


def coach(text: str, kind: str | None) -> tone.Report:
    return tone.analyze(text, kind)


def call_step_open(exit_: Exit) -> ExitStep | None:
    """The plan's first call or meeting, while it is not done: a notice waits for it."""
    return (
        scoped(ExitStep, exit_.organization)
        .filter(
            exit=exit_, channel__in=["call", "meeting"], phase__in=["prepare", "notice"], done_on__isnull=True
        )
        .order_by("due", "position")
        .first()
    )


def send(*, message: Message, user: User, send_at: datetime | None = None, send_anyway: bool = False) -> str:
    """Queue the message (or hold a notice until the call is done). Returns what happened, for the user.

    Refused while the tone coach finds errors unless the user says "send anyway", which stays on the message;
    refused while the plan's step for it is locked (the job is not over yet, or the call is not done).
    """
    if message.channel != Channel.EMAIL:
        raise MessageRefused("This is a call, not an email: mark it as done once you have called.")
    if message.state not in EDITABLE_STATES:
        raise MessageRefused(f"This message is {message.get_state_display().lower()} already.")
    if message.step is not None and message.step.closed_gates and message.kind != "notice":
        raise MessageRefused(
            f"Not yet: “{message.step.title}” waits until {exit_services.gate_phrase(message.step)}."
        )
    errors = [f.message for f in tone.analyze(message.body, message.kind).findings if f.severity == "error"]
    if errors and not send_anyway:
        raise MessageRefused("The tone coach found something a client may take badly.", errors=errors)
    with transaction.atomic():
        if errors:
            Message.objects.filter(pk=message.pk).update(send_anyway=True, send_anyway_errors=errors)
            message.send_anyway, message.send_anyway_errors = True, errors
            record(message, user, "Sent anyway, with the tone coach's errors: " + "; ".join(errors))
        call = call_step_open(message.exit) if message.kind == "notice" and message.exit else None
        if call is not None:
            reason = f"Held until “{call.title}” is done: talk first, then confirm in writing."
            Message.objects.filter(pk=message.pk).update(
                state=Message.State.HELD, held_reason=reason, send_at=send_at
            )
            message.state, message.held_reason, message.send_at = Message.State.HELD, reason, send_at
            record(message, user, reason)
            return reason
        try:
            outbox.queue(message, send_at=send_at, user=user)
        except outbox.NotSendable as refused:
            raise MessageRefused(refused.message) from None
    if send_at is not None and send_at > timezone.now():
        return f"Scheduled for {timezone.localtime(send_at):%A %d %B %Y at %H:%M}."
    return "Queued: it goes out within a few seconds."


def release_held(*, exit_: Exit | None = None) -> int:
    """Queue the notices that waited for a call that is now done. Returns how many went to the outbox."""
    held = Message.objects.filter(state=Message.State.HELD).select_related("exit")
    if exit_ is not None:
        held = held.filter(exit=exit_)
    released = 0
    for message in held:
        if message.exit is None or call_step_open(message.exit) is not None:
            continue
        with transaction.atomic():
            claimed = Message.objects.filter(pk=message.pk, state=Message.State.HELD).update(
                state=Message.State.DRAFT, held_reason=""
            )
            if not claimed:
                continue
            message.state = Message.State.DRAFT
            record(message, None, "The call is done: the notice goes to the outbox.")
            outbox.queue(message, send_at=message.send_at)
            released += 1
    return released


MARKS = {
    "sent-by-hand": "Marked as sent from your own mailbox.",
    "called": "Marked as called instead.",
    "replied": "Marked as replied.",
    "cancel": "Cancelled.",
}


def mark(*, message: Message, user: User, action: str) -> None:
    """What the user did outside goodterms: sent it from their mailbox, called, got a reply; or cancel."""
    if action not in MARKS:
        raise MessageRefused("Unknown action.")
    now = timezone.now()
    with transaction.atomic():
        if action == "replied":
            if message.state not in DONE_STATES:
                raise MessageRefused("Only a sent message (or a call) can have a reply.")
            Message.objects.filter(pk=message.pk).update(replied_at=now)
        elif action == "cancel":
            if message.state not in EDITABLE_STATES:
                raise MessageRefused(
                    f"This message is {message.get_state_display().lower()}; it cannot be cancelled."
                )
            Message.objects.filter(pk=message.pk).update(state=Message.State.CANCELLED)
        else:
            if message.state not in (*EDITABLE_STATES, Message.State.UNCERTAIN):
                raise MessageRefused(f"This message is {message.get_state_display().lower()} already.")
            state = Message.State.SENT_BY_HAND if action == "sent-by-hand" else Message.State.CALLED
            Message.objects.filter(pk=message.pk).update(state=state, sent_at=now)
        record(message, user, MARKS[action])
    message.refresh_from_db()
    if message.exit is not None:
        follow_steps(exit_=message.exit)


def follow_steps(*, exit_: Exit) -> int:
    """A message sent (or a call made) ticks off its plan step: the plan and the score follow the record.
    Returns how many steps it ticked off."""
    if not exit_.is_running:
        return 0
    ticked = 0
    done = (
        scoped(Message, exit_.organization)
        .filter(exit=exit_, state__in=DONE_STATES, step__isnull=False, step__done_on__isnull=True)
        .select_related("step", "created_by")
    )
    for message in done:
        step = message.step
        assert step is not None
        step.exit = exit_
        if step.closed_gates:
            continue  # sent from the mailbox before the gate opened: the user ticks the step off themselves
        try:
            exit_services.step_done(
                step=step,
                user=message.created_by,  # type: ignore[arg-type]
                note=f"{message.get_state_display()}: {message}",
                on=timezone.localdate(message.sent_at or timezone.now()),
            )
        except exit_services.ExitNotPossible:
            continue
        ticked += 1
    return ticked


@dataclass(frozen=True)
class BoardRow:
    contact: Contact
    message: Message | None
    state: str  # to do, drafted, held, sending, sent, called instead, replied, failed, uncertain
    step: ExitStep | None


def board(*, exit_: Exit) -> list[BoardRow]:
    """Every person at the client and where their goodbye stands."""
    org = exit_.organization
    contacts = list(scoped(Contact, org).filter(client=exit_.client).order_by("name", "pk"))
    messages: dict[int, Message] = {}
    for message in (
        scoped(Message, org)
        .filter(exit=exit_, kind="goodbye")
        .exclude(state=Message.State.CANCELLED)
        .order_by("created_at", "pk")
    ):
        if message.contact_id is not None:
            messages[message.contact_id] = message
    steps = {s.key: s for s in scoped(ExitStep, org).filter(exit=exit_, message_kind="goodbye")}
    return [
        BoardRow(c, messages.get(c.pk), _board_state(messages.get(c.pk)), steps.get(f"goodbye:{c.pk}"))
        for c in contacts
    ]


def _board_state(message: Message | None) -> str:
    if message is None:
        return "to do"
    if message.replied_at is not None:
        return "replied"
    if (
        message.state == Message.State.QUEUED
        and message.send_at is not None
        and message.send_at > timezone.now()
    ):
        return "scheduled"
    words: dict[str, str] = {
        Message.State.DRAFT: "drafted",
        Message.State.HELD: "held",
        Message.State.QUEUED: "sending",
        Message.State.SENDING: "sending",
        Message.State.SENT: "sent",
        Message.State.SENT_BY_HAND: "sent",
        Message.State.CALLED: "called instead",
        Message.State.FAILED: "failed",
        Message.State.UNCERTAIN: "uncertain",
    }
    return words.get(message.state, message.state)


def replacement_for(finding: tone.Finding, text: str, first: str) -> str | None:
    """Words that can replace a finding's words in one click, when there are such words: a substitution
    rule's replacement, or the recipient's name in place of a crowd greeting ("Hi all" -> "Hi Dana")."""
    if finding.end <= finding.start:
        return None
    rules = tone.default_rules()
    if finding.rule in rules and rules[finding.rule].check.name == "substitution":
        return finding.suggestion
    if finding.category == "mass-greeting" and first:
        words = text[finding.start : finding.end].split()
        return f"{words[0]} {first}" if words else None
    return None


def email_instead(*, message: Message, user: User) -> Message:
    """The user prefers to write to someone the plan would call: the call task goes, an email draft comes."""
    if message.channel != Channel.CALL or message.state not in EDITABLE_STATES:
        raise MessageRefused("Only a call that is not done yet can become an email.")
    if message.exit is None or message.contact is None:
        raise MessageRefused("This call belongs to no exit or contact any more.")
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(state=Message.State.CANCELLED)
        record(message, user, "Replaced by an email, at the user's choice.")
        return draft(
            exit_=message.exit,
            contact=message.contact,
            kind=message.kind,
            user=user,
            step=message.step,
            channel=Channel.EMAIL,
        )
