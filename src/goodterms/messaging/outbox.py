"""The outbox: the only code that sends email.

A message is queued with its outbox row in one transaction, so it is never lost. A worker claims a row with a
lease by a conditional UPDATE, so two workers never send the same row. Just before the message goes to the
mail server the worker records `handed_over_at`; from then on nobody resends it on their own: if the worker
dies, the row becomes *uncertain* and the user decides (confirm_delivered or resend). Every write after the
claim checks `leased_by`, so a worker whose lease was taken over writes nothing.
"""

from __future__ import annotations

import logging
import random
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import sanitize_address
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.accounts.securitylog import security_event
from goodterms.lib import checks
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import Channel, SecurityEvent
from goodterms.messaging.models import Message, MessageEvent, Outbox

log = logging.getLogger("goodterms.outbox")

# How long a claim holds a row. Several times EMAIL_TIMEOUT (30 s per SMTP step), so a slow server does not
# make a live worker look dead; a worker that dies before sending delays its message by at most this long.
LEASE_SECONDS = 180.0
# Retry delays after a temporary failure: exponential from the base, capped, with full jitter (a random
# delay between 0 and that bound) so many failed messages do not all come back at the same moment.
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0
# About two days of retries at the cap; after that a temporary failure is treated as final.
MAX_ATTEMPTS = 60
# Candidates looked at per claim on backends without SKIP LOCKED, so workers rarely race for the same row.
CLAIM_CANDIDATES = 8

HEADER_FIELDS = {
    "to_name": "The recipient's name",
    "to_email": "The recipient's address",
    "from_name": "The sender's name",
    "from_email": "The sender's address",
    "subject": "The subject",
    "message_id": "The Message-ID",
}
QUEUEABLE = (Message.State.DRAFT, Message.State.HELD, Message.State.FAILED, Message.State.UNCERTAIN)
LIST_CHARACTERS = (",", ";", "<", ">")


class NotSendable(Refused):
    """The message cannot be queued: `message` says why in the user's words; `field` names the field."""


# --- queueing ----------------------------------------------------------------------------------------------


def check_sendable(message: Message) -> None:
    """Refuse what could add a header or a recipient: one address, no line breaks in header-bound fields."""
    if message.channel != Channel.EMAIL:
        raise NotSendable("This message is a call, not an email.", field="channel")
    for field, label in HEADER_FIELDS.items():
        char = checks.line_break(getattr(message, field) or "")
        if char is not None:
            raise NotSendable(
                f"{label} ({field}) contains {checks.describe_character(char)}; remove it and try again.",
                field=field,
            )
    if not message.to_email.strip():
        raise NotSendable("There is no address to send to (to_email is empty).", field="to_email")
    for field in ("to_email", "from_email"):
        value = getattr(message, field)
        if not value:
            continue
        label = HEADER_FIELDS[field]
        if any(c in value for c in LIST_CHARACTERS) or value.count("@") != 1 or len(value.split()) != 1:
            raise NotSendable(
                f"{label} ({field}) must be exactly one address, not a list: {value!r}. "
                "Write to each person separately.",
                field=field,
            )


def _message_id_domain() -> str:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    domain = address.rpartition("@")[2]
    return domain or "localhost"


def queue(message: Message, *, send_at: datetime | None = None, user: Any = None) -> None:
    """Put a saved message in the outbox, due at `send_at` (or now). A failed or uncertain message is queued
    again ("resend") with its Message-ID and its outbox row, so the recipient's mail program sees one message.
    """
    if message.pk is None:
        raise ValueError("queue() needs a saved message")
    now = timezone.now()
    with transaction.atomic():
        row = scoped(Message, message.organization).select_for_update().get(pk=message.pk)
        if row.state not in QUEUEABLE:
            raise NotSendable(f"This message is already {row.get_state_display().lower()}.", field="state")
        check_sendable(row)
        resending = row.state in (Message.State.FAILED, Message.State.UNCERTAIN)
        row.message_id = row.message_id or make_msgid(domain=_message_id_domain())
        row.state = Message.State.QUEUED
        row.send_at = send_at
        row.last_error = ""
        row.save(update_fields=["message_id", "state", "send_at", "last_error", "updated_at"])
        scoped(Outbox, message.organization).update_or_create(
            message=row,
            defaults={
                "state": Outbox.State.PENDING,
                "next_attempt_at": send_at or now,
                "attempts": 0,
                "lease_until": None,
                "leased_by": "",
                "handed_over_at": None,
                "last_error": "",
            },
        )
        when = f" to send at {send_at:%Y-%m-%d %H:%M %Z}" if send_at else ""
        record_event(row, ("Queued again" if resending else "Queued") + when + ".", user=user, at=now)
    for field in ("message_id", "state", "send_at", "last_error", "updated_at"):
        setattr(message, field, getattr(row, field))


def confirm_delivered(message: Message, user: Any) -> None:
    """The user checked: the uncertain message did arrive. It becomes sent; nothing is sent again."""
    now = timezone.now()
    with transaction.atomic():
        updated = (
            scoped(Message, message.organization)
            .filter(pk=message.pk, state=Message.State.UNCERTAIN)
            .update(state=Message.State.SENT, sent_at=now, last_error="", updated_at=now)
        )
        if updated != 1:
            raise NotSendable("Only a message whose delivery is uncertain can be confirmed.", field="state")
        scoped(Outbox, message.organization).filter(message_id=message.pk).update(
            state=Outbox.State.DONE, last_error=""
        )
        record_event(message, "Marked as delivered.", user=user, at=now)
    message.state, message.sent_at, message.last_error = Message.State.SENT, now, ""


def resend(message: Message, user: Any) -> None:
    """The user decided to send an uncertain (or failed) message again, with the same Message-ID."""
    queue(message, user=user)


def record_event(message: Message, text: str, *, user: Any = None, at: datetime | None = None) -> None:
    """One line of the message's history: what happened, when, and who did it (None: the worker)."""
    across_orgs(MessageEvent).create(
        organization_id=message.organization_id,
        message_id=message.pk,
        user=user,
        text=text,
        at=at or timezone.now(),
    )


# --- building ----------------------------------------------------------------------------------------------


def _address(name: str, email: str) -> str:
    """`"Name" <email>` with the name quoted, so a comma in a name never makes a second address."""
    if not name:
        return email
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{email}>'


def build_email(message: Message) -> EmailMessage:
    """Plain text, exactly one To, no Cc or Bcc; Message-ID and Date set here, the From of the message or
    DEFAULT_FROM_EMAIL. Checks the message again: a row edited after queueing must not add headers. A draft
    (the .eml download) gets a fresh Message-ID; a queued message always has its own.

    Every address and the whole message are encoded here, as the mail backend will encode them, so that a
    value that cannot be written in an email (an address whose domain is no valid IDNA name) is refused with
    its field before anything is handed to the server, never discovered halfway through sending."""
    check_sendable(message)
    sender = (
        _address(message.from_name, message.from_email) if message.from_email else settings.DEFAULT_FROM_EMAIL
    )
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=sender,
        to=[_address(message.to_name, message.to_email)],
        headers={
            "Message-ID": message.message_id or make_msgid(domain=_message_id_domain()),
            "Date": formatdate(localtime=False),
        },
    )
    for field, value in (("from_email", sender), ("to_email", email.to[0])):
        try:
            sanitize_address(value, email.encoding or settings.DEFAULT_CHARSET)
        except (UnicodeError, ValueError) as error:
            raise NotSendable(
                f"{HEADER_FIELDS[field]} ({field}) cannot be written in an email: {error}. Correct the "
                "address on the contact's page, then send again.",
                field=field,
            ) from None
    try:
        email.message().as_bytes()
    except (UnicodeError, ValueError) as error:
        raise NotSendable(f"The message cannot be written as an email: {error}.") from None
    return email


# --- sending -----------------------------------------------------------------------------------------------


class SendFailure(Exception):
    """Why a send failed, in words, and what it means for the next attempt."""

    def __init__(self, text: str, *, permanent: bool, handed_over: bool) -> None:
        super().__init__(text)
        self.text = text
        self.permanent = permanent  # the server said no for good (5xx): do not retry
        self.handed_over = handed_over  # the server may have taken the message: never resend on our own


def _smtp_code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        # Permanent only if every recipient was refused for good.
        return min(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None


def _reply_text(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for code, text in error.recipients.values()
        ]
        return "; ".join(parts)
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        return f"{error.smtp_code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return str(error) or type(error).__name__


def _open(connection: Any) -> None:
    """Connect (and log in) before the handover: anything failing here cannot have delivered the message."""
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        _close(connection)
        if isinstance(error, ConnectionRefusedError):
            text = "The mail server refused the connection (is it running?)"
        elif isinstance(error, TimeoutError):
            text = "The mail server did not answer in time"
        else:
            text = f"Could not connect to the mail server: {_reply_text(error)}"
        # Even a 5xx greeting or login refusal is about the server, not this message: try again later.
        raise SendFailure(text, permanent=False, handed_over=False) from error


def _deliver(connection: Any, email: EmailMessage) -> None:
    """Hand the message to the backend on an open connection. Kept apart so tests can pause around it."""
    try:
        sent = connection.send_messages([email])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        # The server answered with a refusal: it did not take the message.
        code = _smtp_code(error)
        permanent = code is not None and code >= 500
        verb = "refused the message" if permanent else "deferred the message (a temporary refusal)"
        raise SendFailure(
            f"The mail server {verb}: {_reply_text(error)}", permanent=permanent, handed_over=False
        ) from error
    except (OSError, smtplib.SMTPException) as error:
        # The connection broke mid-conversation: the server may have accepted the message before it did.
        raise SendFailure(
            f"The connection to the mail server broke while sending ({_reply_text(error)}); "
            "the message may or may not have arrived.",
            permanent=False,
            handed_over=True,
        ) from error
    if sent != 1:
        raise SendFailure("The mail backend did not send the message.", permanent=False, handed_over=False)


def _close(connection: Any) -> None:
    """After the server accepted the message, a failing QUIT changes nothing: log it and move on."""
    try:
        connection.close()
    except (OSError, smtplib.SMTPException) as error:
        log.info("outbox: closing the mail connection failed after sending: %s", error)


def backoff_seconds(
    attempts: int,
    *,
    base: float | None = None,
    cap: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**(attempts-1))]."""
    base = BACKOFF_BASE_SECONDS if base is None else base
    cap = BACKOFF_CAP_SECONDS if cap is None else cap
    bound = min(cap, base * 2.0 ** min(max(attempts - 1, 0), 60))
    return rand() * bound


def _mine(worker_id: str, pk: int) -> Any:
    return across_orgs(Outbox).filter(pk=pk, state=Outbox.State.LEASED, leased_by=worker_id)


def _mark_uncertain_once(now: datetime) -> bool:
    """One row whose lease ran out after the handover becomes uncertain: it may have been delivered."""
    stale = Q(state=Outbox.State.LEASED, lease_until__lt=now, handed_over_at__isnull=False)
    with transaction.atomic():
        pk = across_orgs(Outbox).filter(stale).values_list("pk", flat=True).first()
        if pk is None:
            return False
        text = (
            "The worker stopped after handing the message to the mail server, so it may have arrived. "
            "Check with the recipient or your mail server, then confirm it or send it again."
        )
        if (
            across_orgs(Outbox).filter(stale, pk=pk).update(state=Outbox.State.UNCERTAIN, last_error=text)
            != 1
        ):
            return True
        row = across_orgs(Outbox).select_related("message").get(pk=pk)
        across_orgs(Message).filter(pk=row.message_id).update(
            state=Message.State.UNCERTAIN, last_error=text, updated_at=now
        )
        record_event(row.message, "Delivery uncertain: " + text, at=now)
        security_event(SecurityEvent.SEND_UNCERTAIN, org=row.message.organization, message=row.message_id)
    return True


def _claim(worker_id: str, now: datetime) -> Outbox | None:
    """Lease one due row: pending and due, or leased by a worker that died before handing it over."""
    due = Q(state=Outbox.State.PENDING, next_attempt_at__lte=now) | Q(
        state=Outbox.State.LEASED, lease_until__lt=now, handed_over_at__isnull=True
    )
    with transaction.atomic():
        # PostgreSQL: SKIP LOCKED gives each worker a different row. SQLite ignores FOR UPDATE; its IMMEDIATE
        # transactions already run one claim at a time. The conditional UPDATE below decides in both cases.
        candidates = list(
            across_orgs(Outbox)
            .filter(due)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "state")[:CLAIM_CANDIDATES]
        )
        random.shuffle(candidates)
        for pk, state in candidates:
            claimed = (
                across_orgs(Outbox)
                .filter(due, pk=pk)
                .update(
                    state=Outbox.State.LEASED,
                    leased_by=worker_id,
                    lease_until=now + timedelta(seconds=LEASE_SECONDS),
                )
            )
            if claimed != 1:
                continue
            row = across_orgs(Outbox).select_related("message").get(pk=pk)
            across_orgs(Message).filter(pk=row.message_id).update(state=Message.State.SENDING, updated_at=now)
            row.message.state = Message.State.SENDING
            attempt = row.attempts + 1
            if state == Outbox.State.LEASED:
                record_event(
                    row.message, f"Sending again (attempt {attempt}): the last worker stopped first.", at=now
                )
            else:
                record_event(row.message, f"Sending (attempt {attempt}).", at=now)
            return row
    return None


def _fail(row: Outbox, worker_id: str, failure: SendFailure) -> None:
    now = timezone.now()
    message = row.message
    attempts = row.attempts + 1
    with transaction.atomic():
        if failure.handed_over:
            outbox_state, message_state = Outbox.State.UNCERTAIN, Message.State.UNCERTAIN
            event = (
                f"Delivery uncertain: {failure.text.rstrip('.')}. Check, then confirm it or send it again."
            )
            changes: dict[str, Any] = {}
        elif failure.permanent or attempts >= MAX_ATTEMPTS:
            outbox_state, message_state = Outbox.State.FAILED, Message.State.FAILED
            gave_up = "" if failure.permanent else f" Gave up after {attempts} attempts."
            event = f"Failed: {failure.text.rstrip('.')}.{gave_up}"
            changes = {"handed_over_at": None}
        else:
            retry_at = now + timedelta(seconds=backoff_seconds(attempts))
            outbox_state, message_state = Outbox.State.PENDING, Message.State.QUEUED
            reason = failure.text.rstrip(".")
            event = f"Attempt {attempts} failed: {reason}. Next try at {retry_at:%Y-%m-%d %H:%M:%S %Z}."
            changes = {
                "handed_over_at": None,
                "next_attempt_at": retry_at,
                "leased_by": "",
                "lease_until": None,
            }
        updated = _mine(worker_id, row.pk).update(
            state=outbox_state, attempts=attempts, last_error=failure.text, **changes
        )
        if updated != 1:
            log.warning("outbox: lost the lease on row %s before recording a failure", row.pk)
            return
        across_orgs(Message).filter(pk=message.pk).update(
            state=message_state, last_error=failure.text, updated_at=now
        )
        record_event(message, event, at=now)
        if failure.handed_over:
            security_event(SecurityEvent.SEND_UNCERTAIN, org=message.organization, message=message.pk)
    log.info("outbox: message %s: %s", message.pk, event)


def _done(row: Outbox, worker_id: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        # The row may have turned uncertain meanwhile (a slow send outlived the lease); the worker that sent
        # it knows better, so it may still mark it done. Another worker's lease or a user's resend is left be.
        updated = (
            across_orgs(Outbox)
            .filter(
                pk=row.pk,
                leased_by=worker_id,
                handed_over_at__isnull=False,
                state__in=[Outbox.State.LEASED, Outbox.State.UNCERTAIN],
            )
            .update(state=Outbox.State.DONE, attempts=row.attempts + 1, last_error="")
        )
        if updated != 1:
            log.warning("outbox: row %s was taken over before it could be marked sent", row.pk)
            return
        across_orgs(Message).filter(pk=row.message_id).update(
            state=Message.State.SENT, sent_at=now, last_error="", updated_at=now
        )
        record_event(row.message, f"Sent to {row.message.to_email}.", at=now)


def send_one(worker_id: str) -> bool:
    """Claim one due message, send it, record the outcome. Returns True if it found any work.

    Whatever goes wrong with the claimed message ends on that message, never in the worker: an unexpected
    error is logged with the message's id and fails it with the error in words (or makes it uncertain, if
    the server may have received it). Only a database in trouble is passed up, so the loop can wait for it;
    the lease then lets a later pass take the message again."""
    now = timezone.now()
    if _mark_uncertain_once(now):
        return True
    row = _claim(worker_id, now)
    if row is None:
        return False
    progress = {"handed_over": False}
    try:
        _send_claimed(row, worker_id, progress)
    except DatabaseError:
        raise
    except Exception as error:
        log.exception("outbox: message %s (outbox row %s) could not be sent", row.message_id, row.pk)
        handed_over = progress["handed_over"]
        text = f"goodterms could not send it ({type(error).__name__}: {error})"
        _fail(row, worker_id, SendFailure(text, permanent=not handed_over, handed_over=handed_over))
    return True


def _send_claimed(row: Outbox, worker_id: str, progress: dict[str, bool]) -> None:
    message = row.message
    try:
        email = build_email(message)
    except NotSendable as refused:
        _fail(row, worker_id, SendFailure(refused.message, permanent=True, handed_over=False))
        return
    connection = get_connection(fail_silently=False)
    try:
        _open(connection)
    except SendFailure as failure:
        _fail(row, worker_id, failure)
        return
    # The point of no return, committed before the server sees the message: from here on, a lost lease
    # means "maybe delivered", never "send again".
    if _mine(worker_id, row.pk).update(handed_over_at=timezone.now()) != 1:
        _close(connection)
        log.warning("outbox: lost the lease on row %s before sending; another worker has it", row.pk)
        return
    progress["handed_over"] = True
    try:
        _deliver(connection, email)
    except SendFailure as failure:
        _close(connection)
        _fail(row, worker_id, failure)
        return
    _close(connection)
    _done(row, worker_id)
