"""Writes for messages: drafting one per person, editing, sending (or marking what the user did by hand),
and the organization's templates.

Drafts are rendered once from the organization's template (selectors.template_for) with the fields of one
contact. After that a draft is plain text that the user edits; it is never evaluated as a template again.
Sending goes through outbox.queue(), the only way a message reaches the outbox.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError, transaction
from django.utils import timezone

from goodterms import templating, tone
from goodterms.accounts.models import Organization, User
from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.accounts.securitylog import security_event
from goodterms.clients.models import Contact
from goodterms.exits import selectors as exit_selectors
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib import checks
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import Channel, MessageKind, PreferredChannel, SecurityEvent
from goodterms.messaging import outbox, selectors
from goodterms.messaging.models import DONE_STATES, EDITABLE_STATES, Message, MessageTemplate
from goodterms.messaging.restore import RESTORED_REASON

log = logging.getLogger("goodterms.messaging")


class MessageRefused(Refused):
    """The action on a message was refused and nothing was written; `message` says why; `errors` lists the
    tone coach's errors when those were the reason."""

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def _record(message: Message, user: User | None, text: str) -> None:
    outbox.record_event(message, text, user=user)


def _render(exit_: Exit, contact: Contact, kind: str, user: User) -> tuple[str, str]:
    subject_source, body_source, _is_default = selectors.template_for(org=exit_.organization, kind=kind)
    try:
        rendered = templating.render(
            subject_source, body_source, selectors.fields_for(exit_=exit_, contact=contact, user=user)
        )
    except templating.MissingFields as missing:
        raise MessageRefused(f"No draft for {contact.name}: {missing}") from None
    except templating.TemplateProblems as problems:
        raise MessageRefused(
            f"No draft for {contact.name}: the {kind} template needs fixing (Settings, Message templates): "
            f"{problems}"
        ) from None
    return rendered.subject, rendered.body


def message_draft(
    *, exit_: Exit, contact: Contact, kind: str, user: User, step: ExitStep | None = None, channel: str = ""
) -> Message:
    """A personal draft for one person (or a call task if they prefer the phone). One per person and kind."""
    if not exit_.is_running:
        raise MessageRefused("This exit is cancelled.")
    existing = selectors.open_message(exit_=exit_, contact=contact, kind=kind)
    if existing is not None:
        return existing
    channel = channel or (
        Channel.CALL
        if kind == MessageKind.GOODBYE and contact.preferred_channel == PreferredChannel.PHONE
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
        subject, body = f"Call {contact.name}", selectors.call_points(exit_=exit_, contact=contact)
    if step is None and kind == MessageKind.GOODBYE:
        step = selectors.goodbye_step(exit_=exit_, contact=contact)
    with transaction.atomic():
        message = scoped(Message, exit_.organization).create(
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
        _record(message, user, f"{what} written from the {message.get_kind_display().lower()} template.")
    return message


@dataclass(frozen=True)
class Drafted:
    created: list[Message]
    problems: list[str]


def goodbyes_draft(*, exit_: Exit, user: User) -> Drafted:
    """One goodbye per person at the client. Someone who cannot be drafted is named, the others still are."""
    created, problems = [], []
    for contact in scoped(Contact, exit_.organization).filter(client=exit_.client).order_by("name", "pk"):
        if selectors.open_message(exit_=exit_, contact=contact, kind=MessageKind.GOODBYE) is not None:
            continue
        try:
            created.append(message_draft(exit_=exit_, contact=contact, kind=MessageKind.GOODBYE, user=user))
        except MessageRefused as refused:
            problems.append(refused.message)
    return Drafted(created, problems)


def message_save(*, message: Message, user: User, subject: str, body: str) -> None:
    """Keep the user's edit. From now on the draft is plain text: it is never rendered as a template again."""
    if message.state not in EDITABLE_STATES:
        raise MessageRefused(
            f"This message is {message.get_state_display().lower()}; it can no longer change."
        )
    problem = checks.single_line_problem(subject)
    if problem is not None:
        raise MessageRefused(f"The subject: {problem}")
    if (message.subject, message.body) == (subject, body):
        return
    with transaction.atomic():
        scoped(Message, message.organization).filter(pk=message.pk).update(
            subject=subject, body=body, updated_at=timezone.now()
        )
        message.subject, message.body = subject, body
        _record(message, user, "Draft edited.")


def message_send(
    *, message: Message, user: User, send_at: datetime | None = None, send_anyway: bool = False
) -> str:
    """Queue the message (or hold a notice until the call is done). Returns what happened, for the user.

    Refused while the tone coach finds errors unless the user says "send anyway", which stays on the message;
    refused while the plan's step for it is locked (the job is not over yet, or the call is not done).
    """
    if message.channel != Channel.EMAIL:
        raise MessageRefused("This is a call, not an email: mark it as done once you have called.")
    if message.state not in EDITABLE_STATES:
        raise MessageRefused(f"This message is {message.get_state_display().lower()} already.")
    if message.step is not None and message.step.closed_gates and message.kind != MessageKind.NOTICE:
        raise MessageRefused(
            f"Not yet: “{message.step.title}” waits until {exit_selectors.gate_phrase(step=message.step)}."
        )
    errors = [f.message for f in tone.analyze(message.body, message.kind).findings if f.severity == "error"]
    if errors and not send_anyway:
        raise MessageRefused("The tone coach found something a client may take badly.", errors=errors)
    with transaction.atomic():
        if errors:
            scoped(Message, message.organization).filter(pk=message.pk).update(
                send_anyway=True, send_anyway_errors=errors
            )
            message.send_anyway, message.send_anyway_errors = True, errors
            _record(message, user, "Sent anyway, with the tone coach's errors: " + "; ".join(errors))
        call = (
            selectors.call_step_open(exit_=message.exit)
            if message.kind == MessageKind.NOTICE and message.exit
            else None
        )
        if call is not None:
            reason = f"Held until “{call.title}” is done: talk first, then confirm in writing."
            scoped(Message, message.organization).filter(pk=message.pk).update(
                state=Message.State.HELD, held_reason=reason, send_at=send_at
            )
            message.state, message.held_reason, message.send_at = Message.State.HELD, reason, send_at
            _record(message, user, reason)
            return reason
        try:
            outbox.queue(message, send_at=send_at, user=user)
        except outbox.NotSendable as refused:
            raise MessageRefused(refused.message) from None
    if send_at is not None and send_at > timezone.now():
        return f"Scheduled for {timezone.localtime(send_at):%A %d %B %Y at %H:%M}."
    return "Queued: it goes out within a few seconds."


def held_notices_release(*, exit_: Exit | None = None) -> int:
    """Queue the notices that waited for a call that is now done. Returns how many went to the outbox.

    Each notice on its own: one that can no longer be sent (its subject was given a line break, say) is
    marked failed with the reason, for the user to correct, and the others still go."""
    held = (
        (across_orgs(Message) if exit_ is None else scoped(Message, exit_.organization).filter(exit=exit_))
        .filter(state=Message.State.HELD)
        .exclude(held_reason=RESTORED_REASON)  # held after a restore: only the user releases those
        .select_related("exit", "organization")
    )
    released = 0
    for message in held:
        if message.exit is None or selectors.call_step_open(exit_=message.exit) is not None:
            continue
        try:
            released += _release(message)
        except DatabaseError:
            raise
        except Exception as error:
            log.exception("messaging: held message %s could not be released", message.pk)
            _fail_held(message, f"goodterms could not queue it ({type(error).__name__}: {error}).")
    return released


def _release(message: Message) -> int:
    try:
        with transaction.atomic():
            claimed = (
                scoped(Message, message.organization)
                .filter(pk=message.pk, state=Message.State.HELD)
                .update(state=Message.State.DRAFT, held_reason="")
            )
            if not claimed:
                return 0
            message.state = Message.State.DRAFT
            _record(message, None, "The call is done: the notice goes to the outbox.")
            outbox.queue(message, send_at=message.send_at)
    except outbox.NotSendable as refused:
        _fail_held(message, refused.message)
        return 0
    return 1


def _fail_held(message: Message, reason: str) -> None:
    """The call is done but the notice cannot go as it is: failed, with why, for the user to mend and send."""
    with transaction.atomic():
        updated = (
            scoped(Message, message.organization)
            .filter(pk=message.pk, state=Message.State.HELD)
            .update(state=Message.State.FAILED, held_reason="", last_error=reason, updated_at=timezone.now())
        )
        if updated:
            _record(message, None, f"The call is done, but the notice could not be queued: {reason}")


MARKS = {
    "sent-by-hand": "Marked as sent from your own mailbox.",
    "called": "Marked as called instead.",
    "replied": "Marked as replied.",
    "cancel": "Cancelled.",
}


def message_mark(*, message: Message, user: User, action: str) -> None:
    """What the user did outside goodterms: sent it from their mailbox, called, got a reply; or cancel."""
    if action not in MARKS:
        raise MessageRefused("Unknown action.")
    now = timezone.now()
    with transaction.atomic():
        if action == "replied":
            if message.state not in DONE_STATES:
                raise MessageRefused("Only a sent message (or a call) can have a reply.")
            scoped(Message, message.organization).filter(pk=message.pk).update(replied_at=now)
        elif action == "cancel":
            if message.state not in EDITABLE_STATES:
                raise MessageRefused(
                    f"This message is {message.get_state_display().lower()}; it cannot be cancelled."
                )
            scoped(Message, message.organization).filter(pk=message.pk).update(state=Message.State.CANCELLED)
        else:
            if message.state not in (*EDITABLE_STATES, Message.State.UNCERTAIN):
                raise MessageRefused(f"This message is {message.get_state_display().lower()} already.")
            state = Message.State.SENT_BY_HAND if action == "sent-by-hand" else Message.State.CALLED
            scoped(Message, message.organization).filter(pk=message.pk).update(state=state, sent_at=now)
        _record(message, user, MARKS[action])
    message.refresh_from_db()
    if message.exit is not None:
        plan_follow_messages(exit_=message.exit)


def plan_follow_messages(*, exit_: Exit) -> int:
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


def message_email_instead(*, message: Message, user: User) -> Message:
    """The user prefers to write to someone the plan would call: the call task goes, an email draft comes."""
    if message.channel != Channel.CALL or message.state not in EDITABLE_STATES:
        raise MessageRefused("Only a call that is not done yet can become an email.")
    if message.exit is None or message.contact is None:
        raise MessageRefused("This call belongs to no exit or contact any more.")
    with transaction.atomic():
        scoped(Message, message.organization).filter(pk=message.pk).update(state=Message.State.CANCELLED)
        _record(message, user, "Replaced by an email, at the user's choice.")
        return message_draft(
            exit_=message.exit,
            contact=message.contact,
            kind=message.kind,
            user=user,
            step=message.step,
            channel=Channel.EMAIL,
        )


def message_confirm_delivered(*, message: Message, user: User) -> None:
    """The user checked: the uncertain message did arrive. It becomes sent; nothing is sent again."""
    try:
        outbox.confirm_delivered(message, user)
    except outbox.NotSendable as refused:
        raise MessageRefused(refused.message) from None
    if message.exit is not None:
        plan_follow_messages(exit_=message.exit)


def message_resend(*, message: Message, user: User) -> None:
    """The user decided to send an uncertain or failed message again, with the same Message-ID."""
    try:
        outbox.resend(message, user)
    except outbox.NotSendable as refused:
        raise MessageRefused(refused.message) from None


# --- templates ------------------------------------------------------------------------------------------


def template_save(*, org: Organization, kind: str, subject: str, body: str, user: User) -> MessageTemplate:
    """Save `org`'s own template of `kind` (one per kind: an update when there is one already).

    Raises templating.TemplateProblems, saving nothing, when check_template() finds anything wrong.
    """
    if kind not in selectors.KIND_LABELS:
        raise ValueError(f"unknown kind of message {kind!r}")
    problems = templating.check_template(subject, body)
    if problems:
        raise templating.TemplateProblems(problems)
    with transaction.atomic():
        row, _created = scoped(MessageTemplate, org).update_or_create(
            organization=org,
            kind=kind,
            defaults={
                "subject": subject.strip(),
                "body": body.replace("\r\n", "\n"),  # a browser's textarea sends CRLF
                "updated_at": timezone.now(),
                "updated_by": user,
            },
        )
        security_event(SecurityEvent.TEMPLATE_CHANGED, org=org, actor=user, kind=kind, reset=False)
    return row


def template_reset(*, org: Organization, kind: str) -> bool:
    """Go back to the shipped default for `kind`; False when `org` had not changed it."""
    with transaction.atomic():
        deleted, _by_model = scoped(MessageTemplate, org).filter(kind=kind).delete()
        if deleted:
            security_event(SecurityEvent.TEMPLATE_CHANGED, org=org, kind=kind, reset=True)
    return deleted > 0
