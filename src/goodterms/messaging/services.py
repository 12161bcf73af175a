"""Writes for messages: drafting one per person, editing, sending or scheduling (through the gate), taking a
scheduled message back, marking what the user did by hand (and undoing it), and the organization's templates.

Drafts are rendered once from the organization's template (selectors.template_for) with the fields of one
contact. After that a draft is plain text that the user edits; it is never evaluated as a template again.
Every way a message can leave goes through gate.clear() and outbox.queue(), which demands the gate's
clearance; a message stays the user's (editable, reschedulable, cancellable) until a worker claims it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from goodterms import templating
from goodterms.accounts.models import Organization, User
from goodterms.accounts.orgscope import OrgQuerySet, across_orgs, scoped
from goodterms.accounts.securitylog import security_event
from goodterms.clients.models import Contact
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib import checks, dates
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import CONVERSATIONS, Channel, MessageKind, PreferredChannel, SecurityEvent
from goodterms.messaging import gate, outbox, selectors
from goodterms.messaging.models import (
    BODY_MAX,
    DONE_STATES,
    EDITABLE_STATES,
    SUBJECT_MAX,
    Message,
    MessageTemplate,
)
from goodterms.messaging.restore import RESTORED_REASON
from goodterms.messaging.signals import messages_went_out

log = logging.getLogger("goodterms.messaging")


class MessageRefused(Refused):
    """The action on a message was refused and nothing was written; `message` says why; `errors` lists the
    tone coach's errors when those were the reason; `override` says the exit's readiness override would
    open the way."""

    def __init__(self, message: str, *, errors: list[str] | None = None, override: bool = False) -> None:
        super().__init__(message)
        self.errors = errors or []
        self.override = override


def _refused(error: gate.GateRefused) -> MessageRefused:
    return MessageRefused(error.message, errors=list(error.errors), override=error.override)


def _record(message: Message, user: User | None, text: str) -> None:
    outbox.record_event(message, text, user=user)


def _rows(message: Message) -> OrgQuerySet[Message]:
    """The one message, scoped, for a conditional UPDATE."""
    return scoped(Message, message.organization).filter(pk=message.pk)


# --- drafting --------------------------------------------------------------------------------------------


def _render(exit_: Exit, contact: Contact, kind: str, user: User) -> tuple[str, str, list[str]]:
    subject_source, body_source, _is_default = selectors.template_for(org=exit_.organization, kind=kind)
    fields = selectors.fields_for(exit_=exit_, contact=contact, user=user)
    try:
        rendered = templating.render(subject_source, body_source, fields)
    except templating.MissingFields as missing:
        raise MessageRefused(f"No draft for {contact.name}: {missing}") from None
    except templating.TemplateProblems as problems:
        raise MessageRefused(
            f"No draft for {contact.name}: the {kind} template needs fixing (Settings, Message templates): "
            f"{problems}"
        ) from None
    used = templating.fields_used(subject_source) | templating.fields_used(body_source)
    labels = [
        templating.FIELDS[name].label for name in templating.FIELDS if name in used and fields.get(name)
    ]
    return rendered.subject, rendered.body, labels


def _write_yourself(exit_: Exit, contact: Contact, kind: str, user: User) -> tuple[str, str]:
    """A draft with only a greeting and a sign-off, for the user to write in their own words."""
    label = MessageKind(kind).label
    first = selectors.first_name(contact.name)
    sender = selectors.first_name(user.name)
    return f"{label} — {exit_.client.name}", f"Hi {first},\n\n[[write your message here]]\n\n{sender}"


def _usable_email(contact: Contact) -> str:
    """The contact's address, or "" when there is none or it cannot be written in an email."""
    if not contact.email:
        return ""
    try:
        return checks.email_address(contact.email).address
    except checks.InvalidValue:
        return ""


def message_draft(
    *,
    exit_: Exit,
    contact: Contact,
    kind: str,
    user: User,
    step: ExitStep | None = None,
    channel: str = "",
    own_words: bool = False,
    recurring: bool = False,
) -> Message:
    """A personal draft for one person: from the template, or (`own_words`) a blank one to write oneself; a
    call with talking points for someone who prefers the phone or has no usable address. One per person and
    kind: a second request, even at the same moment, returns the first. `recurring`: a check-in of the
    aftercare schedule, a new one each time (its touchpoint makes sure it is drafted once)."""
    if not exit_.is_running:
        raise MessageRefused("This exit is cancelled.")
    if contact.organization_id != exit_.organization_id or contact.client_id != exit_.client_id:
        raise MessageRefused(f"{contact.name} is not one of {exit_.client.name}'s people.")
    if recurring and kind != MessageKind.CHECK_IN:
        raise MessageRefused("Only a check-in recurs.")
    existing = None if recurring else selectors.open_message(exit_=exit_, contact=contact, kind=kind)
    if existing is not None:
        return existing
    address = _usable_email(contact)
    if step is None and kind == MessageKind.GOODBYE:
        step = selectors.goodbye_step(exit_=exit_, contact=contact)
    if not channel:
        # As the plan says (which follows the person's preference and the user's choice); without a step,
        # the person's preference.
        if step is not None:
            spoken = step.channel in CONVERSATIONS
        else:
            spoken = kind == MessageKind.GOODBYE and contact.preferred_channel != PreferredChannel.EMAIL
        channel = Channel.CALL if spoken or not address else Channel.EMAIL
    fields_used: list[str] = []
    if channel == Channel.EMAIL:
        if not address:
            raise MessageRefused(
                f"No email to {contact.name}: there is no usable address. Add one on the client's page, or "
                "call instead."
            )
        if own_words:
            subject, body = _write_yourself(exit_, contact, kind, user)
        else:
            subject, body, fields_used = _render(exit_, contact, kind, user)
    else:
        # What to say on the call, from the organization's call-script template.
        subject, body, fields_used = _render(exit_, contact, MessageKind.CALL_SCRIPT, user)
    try:
        with transaction.atomic():
            message = scoped(Message, exit_.organization).create(
                exit=exit_,
                step=step,
                contact=contact,
                kind=kind,
                channel=channel,
                to_name=contact.name,
                to_email=address if channel == Channel.EMAIL else "",
                from_name=user.name,
                from_email=user.email,
                subject=subject,
                body=body,
                fields_used=fields_used,
                created_by=user,
            )
            if channel == Channel.CALL:
                how = "Call task written" + ("" if address else ": there is no usable email address")
            elif own_words:
                how = "Draft started, to write in your own words"
            else:
                how = f"Draft written from the {message.get_kind_display().lower()} template"
            _record(message, user, how + ".")
    except IntegrityError:
        # Another request drafted the same message a moment ago (the constraint saw to it): that one stands.
        again = selectors.open_message(exit_=exit_, contact=contact, kind=kind)
        if again is None:
            raise
        return again
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


# --- editing, sending, scheduling ------------------------------------------------------------------------


def _check_text(subject: str, body: str) -> None:
    """Refused, with the limit named, rather than cut: the page keeps what was typed."""
    if len(subject) > SUBJECT_MAX:
        raise MessageRefused(
            f"The subject is {len(subject):,} characters; the most a subject can have is {SUBJECT_MAX:,}. "
            "Shorten it; nothing was saved."
        )
    if len(body) > BODY_MAX:
        raise MessageRefused(
            f"The message is {len(body):,} characters; the most goodterms keeps is {BODY_MAX:,}. Shorten it "
            "(or attach the rest from your own mailbox); nothing was saved."
        )
    problem = checks.single_line_problem(subject)
    if problem is not None:
        raise MessageRefused(f"The subject: {problem}")


def _is_waiting(message: Message) -> bool:
    """Queued and not yet claimed by a worker: still the user's to change."""
    return message.state == Message.State.QUEUED and selectors.waiting_in_outbox(message=message)


def message_save(*, message: Message, user: User, subject: str, body: str) -> str:
    """Keep the user's edit. From now on the draft is plain text: it is never rendered as a template again.

    A scheduled message is taken out of the outbox, edited, and scheduled again for the same time through the
    gate; if the gate now says no, it stays a draft and the answer says why. Returns what happened."""
    body = body.replace("\r\n", "\n")  # a browser's textarea sends CRLF
    _check_text(subject, body)
    if message.state == Message.State.QUEUED:
        send_at = message.send_at
        if not outbox.take_back(message):
            raise MessageRefused("It is being sent right now, so it can no longer change.")
        _record(message, user, "Taken back from the outbox to edit.")
        _store(message, user, subject, body)
        try:
            return message_send(message=message, user=user, send_at=send_at, send_anyway=message.send_anyway)
        except MessageRefused as refused:
            return f"Saved as a draft, not scheduled again: {refused.message}"
    if message.state not in EDITABLE_STATES:
        raise MessageRefused(
            f"This message is {selectors.state_label(message).lower()}; it can no longer change."
        )
    _store(message, user, subject, body)
    return "Draft saved."


def _store(message: Message, user: User, subject: str, body: str) -> None:
    if (message.subject, message.body) == (subject, body):
        return
    with transaction.atomic():
        _rows(message).update(subject=subject, body=body, updated_at=timezone.now())
        message.subject, message.body = subject, body
        _record(message, user, "Draft edited.")


def message_send(
    *, message: Message, user: User, send_at: datetime | None = None, send_anyway: bool = False
) -> str:
    """Send now (`send_at` None) or schedule, through the gate; a notice before its call is held. Returns what
    happened, in the user's words. A message already scheduled and still waiting is moved (send now)."""
    if send_at is not None and send_at <= timezone.now():
        send_at = None
    if _is_waiting(message):
        if not outbox.reschedule(message, send_at, user=user):
            raise MessageRefused("It is being sent right now.")
        return _outcome(message, send_at)
    if message.state not in EDITABLE_STATES:
        raise MessageRefused(f"This message is {selectors.state_label(message).lower()} already.")
    try:
        clearance = gate.clear(message, send_anyway=send_anyway)
    except gate.GateRefused as refused:
        raise _refused(refused) from None
    with transaction.atomic():
        if clearance.send_anyway_errors:
            errors = list(clearance.send_anyway_errors)
            _rows(message).update(send_anyway=True, send_anyway_errors=errors)
            message.send_anyway, message.send_anyway_errors = True, errors
            _record(message, user, "Sent anyway, with the tone coach's errors: " + "; ".join(errors))
        if clearance.held:
            _rows(message).update(state=Message.State.HELD, held_reason=clearance.held, send_at=send_at)
            message.state, message.held_reason, message.send_at = Message.State.HELD, clearance.held, send_at
            _record(message, user, clearance.held)
            return clearance.held
        try:
            outbox.queue(message, clearance, send_at=send_at, user=user)
        except outbox.NotSendable as refused:
            raise MessageRefused(refused.message) from None
    return _outcome(message, send_at)


def message_send_automatic(
    *,
    org: Organization,
    contact: Contact,
    kind: str,
    subject: str,
    body: str,
    from_name: str = "",
    from_email: str = "",
    note: str,
) -> Message:
    """A message goodterms writes and sends on the user's behalf (the exit survey's one reminder): one
    recipient, through the same gate and outbox as every message, with no exit of its own. MessageRefused
    when the gate says no or would hold it; nothing is then kept (the caller's transaction rolls back)."""
    with transaction.atomic():
        message = scoped(Message, org).create(
            contact=contact,
            kind=kind,
            to_name=contact.name,
            to_email=_usable_email(contact),
            from_name=from_name,
            from_email=from_email,
            subject=subject,
            body=body,
        )
        _record(message, None, note)
        try:
            clearance = gate.clear(message)
        except gate.GateRefused as refused:
            raise _refused(refused) from None
        if clearance.held:
            raise MessageRefused(clearance.held)
        try:
            outbox.queue(message, clearance)
        except outbox.NotSendable as refused:
            raise MessageRefused(refused.message) from None
    return message


def _outcome(message: Message, send_at: datetime | None) -> str:
    if send_at is not None:
        when = timezone.localtime(send_at)
        return f"Scheduled for {dates.describe_moment(when)}. You can change it until then."
    return f"On its way to {message.to_name}: it goes out within a few seconds."


def message_unschedule(*, message: Message, user: User) -> None:
    """A scheduled or held message goes back to being a draft (the time it had stays as a suggestion)."""
    if message.state == Message.State.HELD:
        with transaction.atomic():
            if (
                not _rows(message)
                .filter(state=Message.State.HELD)
                .update(state=Message.State.DRAFT, held_reason="")
            ):
                raise MessageRefused("It is no longer held.")
            _record(message, user, "No longer held: back to a draft.")
        message.state = Message.State.DRAFT
        return
    if message.state != Message.State.QUEUED:
        raise MessageRefused(
            f"This message is {selectors.state_label(message).lower()}: it is not scheduled."
        )
    if not outbox.take_back(message):
        raise MessageRefused("It is being sent right now, so it can no longer be taken back.")
    _record(message, user, "Taken back from the outbox: a draft again.")


def message_resend(*, message: Message, user: User) -> str:
    """Send an uncertain or failed message again, with the same Message-ID, through the gate."""
    if message.state not in (Message.State.FAILED, Message.State.UNCERTAIN):
        raise MessageRefused("Only a failed message, or one whose delivery is uncertain, is sent again.")
    try:
        clearance = gate.clear(message, send_anyway=message.send_anyway)
    except gate.GateRefused as refused:
        raise _refused(refused) from None
    try:
        outbox.queue(message, clearance, user=user)
    except outbox.NotSendable as refused:
        raise MessageRefused(refused.message) from None
    return f"On its way to {message.to_name} again, with the same Message-ID."


def message_confirm_delivered(*, message: Message, user: User) -> None:
    """The user checked: the uncertain message did arrive. It becomes sent; nothing is sent again."""
    try:
        outbox.confirm_delivered(message, user)
    except outbox.NotSendable as refused:
        raise MessageRefused(refused.message) from None
    if message.exit is not None:
        plan_follow_messages(exit_=message.exit)


def held_notices_release(*, exit_: Exit | None = None) -> int:
    """Queue the notices that waited for a call that is now done. Returns how many went to the outbox.

    Each notice through the gate again, on its own: one that can no longer be sent (its subject was given a
    line break, its recipient changed) is marked failed with the reason, for the user to correct, and the
    others still go."""
    held = (
        (across_orgs(Message) if exit_ is None else scoped(Message, exit_.organization).filter(exit=exit_))
        .filter(state=Message.State.HELD)
        .exclude(held_reason=RESTORED_REASON)  # held after a restore: only the user releases those
        .select_related("exit__client", "organization", "contact", "step")
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
        clearance = gate.clear(message, send_anyway=message.send_anyway)
        if clearance.held:
            return 0
        with transaction.atomic():
            if (
                not _rows(message)
                .filter(state=Message.State.HELD)
                .update(state=Message.State.DRAFT, held_reason="")
            ):
                return 0
            message.state = Message.State.DRAFT
            _record(message, None, "The call is done: the notice goes to the outbox.")
            outbox.queue(message, clearance, send_at=message.send_at)
    except (gate.GateRefused, outbox.NotSendable) as refused:
        _fail_held(message, refused.message)
        return 0
    return 1


def _fail_held(message: Message, reason: str) -> None:
    """The call is done but the notice cannot go as it is: failed, with why, for the user to mend and send."""
    with transaction.atomic():
        updated = (
            _rows(message)
            .filter(state=Message.State.HELD)
            .update(state=Message.State.FAILED, held_reason="", last_error=reason, updated_at=timezone.now())
        )
        if updated:
            _record(message, None, f"The call is done, but the notice could not be queued: {reason}")


# --- what the user did by hand, and undoing it ------------------------------------------------------------

MARKS = {
    "sent-by-hand": "Marked as sent from your own mailbox.",
    "called": "Marked as called instead.",
    "replied": "Marked as replied.",
    "cancel": "Cancelled.",
}
UNDO = {
    "sent-by-hand": "Undone: not sent from your mailbox after all; a draft again.",
    "called": "Undone: not called after all; to do again.",
    "replied": "Undone: no reply after all.",
}


def message_mark(*, message: Message, user: User, action: str) -> None:
    """What the user did outside goodterms: sent it from their mailbox, called, got a reply; or cancel.
    Marking it sent or called passes the gate's step checks, like a send."""
    if action not in MARKS:
        raise MessageRefused("Unknown action.")
    now = timezone.now()
    with transaction.atomic():
        if action == "replied":
            if message.state not in DONE_STATES:
                raise MessageRefused("Only a sent message (or a call) can have a reply.")
            _rows(message).update(replied_at=now)
        elif action == "cancel":
            if message.state == Message.State.QUEUED and not outbox.take_back(message):
                raise MessageRefused("It is being sent right now, so it can no longer be cancelled.")
            if message.state not in EDITABLE_STATES:
                raise MessageRefused(
                    f"This message is {selectors.state_label(message).lower()}; it cannot be cancelled."
                )
            _rows(message).update(state=Message.State.CANCELLED)
        else:
            if message.state not in (*EDITABLE_STATES, Message.State.UNCERTAIN):
                raise MessageRefused(f"This message is {selectors.state_label(message).lower()} already.")
            try:
                gate.clear_mark(message)
            except gate.GateRefused as refused:
                raise _refused(refused) from None
            state = Message.State.SENT_BY_HAND if action == "sent-by-hand" else Message.State.CALLED
            _rows(message).update(state=state, sent_at=now)
            messages_went_out.send(
                sender=Message, organization=message.organization, message_ids=[message.pk]
            )
        _record(message, user, MARKS[action])
    message.refresh_from_db()
    if message.exit is not None:
        plan_follow_messages(exit_=message.exit)


def message_unmark(*, message: Message, user: User, action: str) -> None:
    """Undo "I sent it myself", "Mark called" or "They replied": the message is as before, the plan step it
    ticked off is open again, and both records say so."""
    if action not in UNDO:
        raise MessageRefused("Unknown action.")
    with transaction.atomic():
        if action == "replied":
            if message.replied_at is None or not _rows(message).update(replied_at=None):
                raise MessageRefused("No reply is marked.")
        else:
            was = Message.State.SENT_BY_HAND if action == "sent-by-hand" else Message.State.CALLED
            if (
                not _rows(message)
                .filter(state=was)
                .update(state=Message.State.DRAFT, sent_at=None, replied_at=None)
            ):
                raise MessageRefused("It is not marked that way.")
            step = message.step
            if step is not None and step.done_on is not None and step.note == _tick_note(message, was):
                step.exit = message.exit  # type: ignore[assignment]
                exit_services.step_undo(step=step, user=user)
        _record(message, user, UNDO[action])
    message.refresh_from_db()


def _tick_note(message: Message, state: str) -> str:
    return f"{Message.State(state).label}: {message}"


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
            continue  # the gate refuses sends and marks while a step is locked; an old row may still be so
        try:
            exit_services.step_done(
                step=step,
                user=message.created_by,  # type: ignore[arg-type]
                note=_tick_note(message, message.state),
                on=timezone.localdate(message.sent_at or timezone.now()),
                how=Channel.CALL
                if message.state == Message.State.CALLED or message.channel == Channel.CALL
                else Channel.EMAIL,
            )
        except exit_services.ExitNotPossible:
            continue
        ticked += 1
    return ticked


def messages_cancel_for_steps(*, org: Organization, step_ids: list[int]) -> int:
    """The unsent messages of steps leaving the plan are cancelled (kept, with their text, on record):
    nothing goes out for a step the plan no longer has. One a worker already holds is left to leave."""
    cancelled = 0
    unsent = (Message.State.DRAFT, Message.State.HELD, Message.State.QUEUED, Message.State.FAILED)
    for message in scoped(Message, org).filter(step_id__in=step_ids, state__in=unsent):
        if message.state == Message.State.QUEUED and not outbox.take_back(message):
            continue
        if (
            _rows(message)
            .filter(state=message.state)
            .update(state=Message.State.CANCELLED, held_reason="", updated_at=timezone.now())
        ):
            _record(message, None, "Cancelled: its step left the plan.")
            cancelled += 1
    return cancelled


def message_email_instead(*, message: Message, user: User) -> Message:
    """The user prefers to write to someone the plan would call: the call task goes, an email draft comes."""
    if message.channel != Channel.CALL or message.state not in EDITABLE_STATES:
        raise MessageRefused("Only a call that is not done yet can become an email.")
    if message.exit is None or message.contact is None:
        raise MessageRefused("This call belongs to no exit or contact any more.")
    with transaction.atomic():
        _rows(message).update(state=Message.State.CANCELLED)
        _record(message, user, "Replaced by an email, at the user's choice.")
        if message.step is not None:
            step = message.step
            step.exit = message.exit
            exit_services.step_channel_choose(step=step, user=user, channel=Channel.EMAIL)
            message.step.refresh_from_db()
        return message_draft(
            exit_=message.exit,
            contact=message.contact,
            kind=message.kind,
            user=user,
            step=message.step,
            channel=Channel.EMAIL,
        )


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
