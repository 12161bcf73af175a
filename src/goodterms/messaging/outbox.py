"""The outbox: the only code that sends email.

A message reaches the outbox only with the gate's Clearance (gate.py), and is queued with its outbox row in
one transaction, so it is never lost. A worker claims a batch of due rows with a lease by a conditional
UPDATE, so two workers never send the same row, and sends the batch over one connection. Just before the
batch goes to the mail server the worker records `handed_over_at` for it; from then on nobody resends those
messages on their own: if the worker dies, they become *uncertain* and the user decides (confirm_delivered or
resend). A message of the batch the worker knows it never started is taken back before it stops. Every write
after the claim checks `leased_by`, so a worker whose lease was taken over writes nothing.

Until a worker claims it, a queued message stays the user's: it can be edited, rescheduled, sent now or
taken back (`take_back`), and the conditional UPDATE decides which of the two comes first.
"""

from __future__ import annotations

import logging
import random
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import get_connection
from django.db import DatabaseError, transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone

from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.accounts.securitylog import security_event
from goodterms.common import jobloop
from goodterms.lib import dates
from goodterms.lib.vocabulary import SecurityEvent
from goodterms.messaging import gate
from goodterms.messaging.mail import (
    HEADER_FIELDS,
    NotSendable,
    OutgoingEmail,
    build_email,
    check_sendable,
    new_message_id,
)
from goodterms.messaging.models import Message, MessageEvent, Outbox
from goodterms.messaging.signals import message_leaving, messages_went_out

__all__ = [
    "HEADER_FIELDS",
    "NotSendable",
    "SendFailure",
    "backoff_seconds",
    "build_email",
    "check_sendable",
    "confirm_delivered",
    "queue",
    "record_event",
    "send_batch",
    "send_now",
    "send_one",
    "take_back",
]

log = logging.getLogger("goodterms.outbox")

# How long a claim holds a row. Several times EMAIL_TIMEOUT (30 s per SMTP step), so a slow server does not
# make a live worker look dead; a worker renews the lease of a long batch every third of it.
LEASE_SECONDS = 180.0
# Retry delays after a temporary failure: exponential from the base, capped, with full jitter (a random
# delay between 0 and that bound) so many failed messages do not all come back at the same moment.
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0
# About two days of retries at the cap; after that a temporary failure is treated as final.
MAX_ATTEMPTS = 60
# Messages claimed, handed over and recorded together: each commit costs a disk flush, so a batch shares
# three of them. A worker killed mid-batch leaves at most this many messages uncertain.
BATCH_SIZE = 50
QUEUEABLE = (Message.State.DRAFT, Message.State.HELD, Message.State.FAILED, Message.State.UNCERTAIN)


# --- queueing (through the gate only) -------------------------------------------------------------------


def queue(
    message: Message, clearance: gate.Clearance, *, send_at: datetime | None = None, user: Any = None
) -> None:
    """Put a saved message in the outbox, due at `send_at` (or now), with the gate's clearance for it. A
    failed or uncertain message is queued again ("resend") with its Message-ID and its outbox row, so the
    recipient's mail program sees one message."""
    if message.pk is None:
        raise ValueError("queue() needs a saved message")
    if not isinstance(clearance, gate.Clearance) or clearance.message_id != message.pk or clearance.held:
        raise ValueError("queue() needs the gate's clearance for this message")
    now = timezone.now()
    with transaction.atomic():
        row = scoped(Message, message.organization).select_for_update().get(pk=message.pk)
        if row.state not in QUEUEABLE:
            raise NotSendable(
                f"This message is already queued ({row.state_label.lower()}): it is not queued twice.",
                field="state",
            )
        check_sendable(row)
        resending = row.state in (Message.State.FAILED, Message.State.UNCERTAIN)
        row.message_id = row.message_id or new_message_id()
        row.state = Message.State.QUEUED
        row.send_at = send_at
        row.last_error = ""
        row.held_reason = ""
        row.save(update_fields=["message_id", "state", "send_at", "last_error", "held_reason", "updated_at"])
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
        if send_at is not None:
            text = f"Scheduled for {_when(send_at)}."
        else:
            text = "On its way again, with the same Message-ID." if resending else "On its way."
        record_event(row, text, user=user, at=now)
    for name in ("message_id", "state", "send_at", "last_error", "held_reason", "updated_at"):
        setattr(message, name, getattr(row, name))


def take_back(message: Message) -> bool:
    """Take a queued message out of the outbox before a worker claims it (to edit, reschedule or keep it
    as a draft). True when it was still waiting; False when a worker has it already (it is being sent)."""
    with transaction.atomic():
        taken = (
            scoped(Outbox, message.organization)
            .filter(message_id=message.pk, state=Outbox.State.PENDING, lease_until__isnull=True)
            .delete()[0]
        )
        if not taken:
            return False
        scoped(Message, message.organization).filter(pk=message.pk, state=Message.State.QUEUED).update(
            state=Message.State.DRAFT, updated_at=timezone.now()
        )
    message.state = Message.State.DRAFT
    return True


def reschedule(message: Message, send_at: datetime | None, *, user: Any = None) -> bool:
    """Move a queued message to `send_at` (None: now) while no worker has it. False when one does."""
    now = timezone.now()
    with transaction.atomic():
        moved = (
            scoped(Outbox, message.organization)
            .filter(message_id=message.pk, state=Outbox.State.PENDING, lease_until__isnull=True)
            .update(next_attempt_at=send_at or now)
        )
        if not moved:
            return False
        scoped(Message, message.organization).filter(pk=message.pk).update(send_at=send_at, updated_at=now)
        when = f"to {_when(send_at)}" if send_at else "to go now"
        record_event(message, f"Rescheduled {when}.", user=user, at=now)
    message.send_at = send_at
    return True


def confirm_delivered(message: Message, user: Any) -> None:
    """The user checked: the uncertain message did arrive. It becomes sent; nothing is sent again."""
    now = timezone.now()
    with transaction.atomic():
        uncertain = scoped(Message, message.organization).filter(pk=message.pk, state=Message.State.UNCERTAIN)
        if uncertain.update(state=Message.State.SENT, sent_at=now, last_error="", updated_at=now) != 1:
            raise NotSendable("Only a message whose delivery is uncertain can be confirmed.", field="state")
        scoped(Outbox, message.organization).filter(message_id=message.pk).update(
            state=Outbox.State.DONE, last_error=""
        )
        record_event(message, "Marked as delivered.", user=user, at=now)
    message.state, message.sent_at, message.last_error = Message.State.SENT, now, ""


def _when(at: datetime) -> str:
    """'Friday 25 December 2026 at 09:00 (CET)': kept on the message's record, so with the year and the zone
    (a worker writes it, in the server's zone, which may not be the reader's)."""
    local = timezone.localtime(at)
    return f"{dates.describe_moment(local)} ({local.tzname()})"


def record_event(message: Message, text: str, *, user: Any = None, at: datetime | None = None) -> None:
    """One line of the message's history: what happened, when, and who did it (None: the worker)."""
    across_orgs(MessageEvent).create(
        organization_id=message.organization_id,
        message_id=message.pk,
        user=user,
        text=text,
        at=at or timezone.now(),
    )


def _events(rows: Sequence[tuple[Message, str]], at: datetime) -> None:
    across_orgs(MessageEvent).bulk_create(
        MessageEvent(organization_id=m.organization_id, message_id=m.pk, text=text, at=at) for m, text in rows
    )


# --- talking to the mail server ------------------------------------------------------------------------


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
    """Connect (and log in) before the handover: anything failing here cannot have delivered a message."""
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


def _deliver(connection: Any, email: OutgoingEmail) -> None:
    """Hand one message to the backend on an open connection. Kept apart so tests can pause around it."""
    try:
        sent = connection.send_messages([email])
    except smtplib.SMTPNotSupportedError as error:
        # Asked of the server before MAIL FROM (SMTPUTF8): nothing was sent, and it will not change.
        raise SendFailure(str(error), permanent=True, handed_over=False) from error
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
    """After the server accepted the messages, a failing QUIT changes nothing: log it and move on."""
    try:
        connection.close()
    except (OSError, smtplib.SMTPException) as error:
        log.info("outbox: closing the mail connection failed after sending: %s", error)


def _fill_in(message: Message) -> None:
    """The apps above may fill in what only the sending makes (the survey link), in this message's memory
    only: the stored draft keeps its placeholder (messaging/signals.py)."""
    for _receiver, body in message_leaving.send(Message, message=message):
        if isinstance(body, str):
            message.body = body


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


# --- the worker's side: claim, hand over, record ---------------------------------------------------------


def _mine(worker_id: str, pk: int) -> Any:
    return across_orgs(Outbox).filter(pk=pk, state=Outbox.State.LEASED, leased_by=worker_id)


UNCERTAIN_TEXT = (
    "The worker stopped after handing the message to the mail server, so it may have arrived. "
    "Check with the recipient or your mail server, then confirm it or send it again."
)


def _mark_uncertain_once(now: datetime) -> bool:
    """One row whose lease ran out after the handover becomes uncertain: it may have been delivered."""
    stale = Q(state=Outbox.State.LEASED, lease_until__lt=now, handed_over_at__isnull=False)
    with transaction.atomic():
        pk = across_orgs(Outbox).filter(stale).values_list("pk", flat=True).first()
        if pk is None:
            return False
        marked = (
            across_orgs(Outbox)
            .filter(stale, pk=pk)
            .update(state=Outbox.State.UNCERTAIN, last_error=UNCERTAIN_TEXT)
        )
        if marked != 1:
            return True
        row = across_orgs(Outbox).select_related("message").get(pk=pk)
        across_orgs(Message).filter(pk=row.message_id).update(
            state=Message.State.UNCERTAIN, last_error=UNCERTAIN_TEXT, updated_at=now
        )
        record_event(row.message, "Delivery uncertain: " + UNCERTAIN_TEXT, at=now)
        security_event(SecurityEvent.SEND_UNCERTAIN, org=row.message.organization, message=row.message_id)
    return True


def _due(now: datetime) -> Q:
    """Pending and due, or leased by a worker that died before handing it over."""
    return Q(state=Outbox.State.PENDING, next_attempt_at__lte=now) | Q(
        state=Outbox.State.LEASED, lease_until__lt=now, handed_over_at__isnull=True
    )


def _claim_rows(worker_id: str, now: datetime, limit: int) -> list[Outbox]:
    """Lease up to `limit` due rows in one transaction; the events say which attempt each one is."""
    due = _due(now)
    lease_until = now + timedelta(seconds=LEASE_SECONDS)
    with transaction.atomic():
        # PostgreSQL: SKIP LOCKED gives each worker different rows. SQLite ignores FOR UPDATE; its IMMEDIATE
        # transactions already run one claim at a time. The conditional UPDATE below decides in both cases.
        candidates = list(
            across_orgs(Outbox)
            .filter(due)
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", "state")[:limit]
        )
        if not candidates:
            return []
        was = dict(candidates)
        across_orgs(Outbox).filter(due, pk__in=list(was)).update(
            state=Outbox.State.LEASED, leased_by=worker_id, lease_until=lease_until
        )
        rows = list(
            across_orgs(Outbox)
            .filter(pk__in=list(was), state=Outbox.State.LEASED, leased_by=worker_id, lease_until=lease_until)
            .select_related("message__contact")
            .order_by("next_attempt_at", "pk")
        )
        if not rows:
            return []
        across_orgs(Message).filter(pk__in=[row.message_id for row in rows]).update(
            state=Message.State.SENDING, updated_at=now
        )
        texts = []
        for row in rows:
            row.message.state = Message.State.SENDING
            attempt = row.attempts + 1
            if was[row.pk] == Outbox.State.LEASED:
                texts.append(
                    (row.message, f"Sending again (attempt {attempt}): the last worker stopped first.")
                )
            else:
                texts.append((row.message, f"Sending (attempt {attempt})."))
        _events(texts, now)
    return rows


def _claim(worker_id: str, now: datetime) -> Outbox | None:
    """Lease one due row (the lease protocol's unit, as the tests drive it)."""
    rows = _claim_rows(worker_id, now, 1)
    return rows[0] if rows else None


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
            event = f"Attempt {attempts} failed: {reason}. Next try {_when(retry_at)}."
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


def _done(row: Outbox, worker_id: str, sent_to: str = "") -> None:
    now = timezone.now()
    sent_to = sent_to or row.message.to_email
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
            state=Message.State.SENT, sent_at=now, sent_to=sent_to, last_error="", updated_at=now
        )
        record_event(row.message, f"Sent to {sent_to}.", at=now)
        messages_went_out.send(sender=Message, organization=row.organization, message_ids=[row.message_id])


def _take_back_unsent(rows: Sequence[Outbox], worker_id: str) -> None:
    """Rows of the batch handed over but never started: certainly not delivered, so due again at once."""
    if rows:
        across_orgs(Outbox).filter(
            pk__in=[row.pk for row in rows], state=Outbox.State.LEASED, leased_by=worker_id
        ).update(handed_over_at=None, lease_until=None, leased_by="", state=Outbox.State.PENDING)
        across_orgs(Message).filter(pk__in=[row.message_id for row in rows]).update(
            state=Message.State.QUEUED
        )


@dataclass
class _Batch:
    """One worker's claimed rows, sent over one connection and recorded together."""

    worker_id: str
    rows: list[Outbox]
    claimed_at: float = field(default_factory=time.monotonic)
    outcomes: list[tuple[Outbox, SendFailure | str]] = field(default_factory=list)

    def send(self) -> None:
        ready = self._prepare()
        if not ready:
            return
        connection = get_connection(fail_silently=False)
        try:
            _open(connection)
        except SendFailure as failure:
            for row, _email in ready:
                _fail(row, self.worker_id, failure)
            return
        try:
            ready = self._hand_over(ready)
            self._deliver_all(connection, ready)
        finally:
            _close(connection)
            self._record()

    def _prepare(self) -> list[tuple[Outbox, OutgoingEmail]]:
        """Build each email and check its recipient again, before anything is handed over."""
        ready = []
        for row in self.rows:
            try:
                problem = gate.recipient_problem(row.message)
                if problem is not None:
                    raise NotSendable(problem)
                _fill_in(row.message)
                ready.append((row, build_email(row.message)))
            except DatabaseError:
                raise
            except NotSendable as refused:
                _fail(row, self.worker_id, SendFailure(refused.message, permanent=True, handed_over=False))
            except Exception as error:
                log.exception("outbox: message %s (outbox row %s) could not be built", row.message_id, row.pk)
                text = f"goodterms could not send it ({type(error).__name__}: {error})"
                _fail(row, self.worker_id, SendFailure(text, permanent=True, handed_over=False))
        return ready

    def _hand_over(self, ready: list[tuple[Outbox, OutgoingEmail]]) -> list[tuple[Outbox, OutgoingEmail]]:
        """The point of no return, committed before the server sees the batch: from here on, a lost lease
        means "maybe delivered", never "send again". Rows whose lease another worker took are dropped."""
        pks = [row.pk for row, _email in ready]
        with transaction.atomic():
            mine = set(
                across_orgs(Outbox)
                .filter(pk__in=pks, state=Outbox.State.LEASED, leased_by=self.worker_id)
                .values_list("pk", flat=True)
            )
            across_orgs(Outbox).filter(pk__in=mine).update(handed_over_at=timezone.now())
        if len(mine) < len(pks):
            log.warning("outbox: lost the lease on %d row(s) before sending", len(pks) - len(mine))
        return [(row, email) for row, email in ready if row.pk in mine]

    def _renew(self) -> None:
        if time.monotonic() - self.claimed_at < LEASE_SECONDS / 3:
            return
        done = {row.pk for row, _outcome in self.outcomes}
        across_orgs(Outbox).filter(
            pk__in=[row.pk for row in self.rows if row.pk not in done],
            state=Outbox.State.LEASED,
            leased_by=self.worker_id,
        ).update(lease_until=timezone.now() + timedelta(seconds=LEASE_SECONDS))
        self.claimed_at = time.monotonic()

    def _deliver_all(self, connection: Any, ready: list[tuple[Outbox, OutgoingEmail]]) -> None:
        for index, (row, email) in enumerate(ready):
            if index and jobloop.stop_requested():
                # Told to stop: the message in hand is done; the rest were never started, so they go back.
                self._give_back(ready[index:])
                return
            self._renew()
            try:
                _deliver(connection, email)
            except SendFailure as failure:
                self.outcomes.append((row, failure))
                if failure.handed_over:  # the connection is gone: start the rest again on a new one
                    _close(connection)
                    try:
                        _open(connection)
                    except SendFailure:
                        self._give_back(ready[index + 1 :])
                        return
                continue
            except DatabaseError:
                raise
            except Exception as error:
                # Midway through the conversation: the server may have the message.
                log.exception(
                    "outbox: message %s (outbox row %s) broke while sending", row.message_id, row.pk
                )
                text = f"goodterms stopped while sending it ({type(error).__name__}: {error})"
                self.outcomes.append((row, SendFailure(text, permanent=False, handed_over=True)))
                _close(connection)
                try:
                    _open(connection)
                except SendFailure:
                    self._give_back(ready[index + 1 :])
                    return
                continue
            self.outcomes.append((row, email.envelope.recipient))

    def _give_back(self, unsent: list[tuple[Outbox, OutgoingEmail]]) -> None:
        with transaction.atomic():
            _take_back_unsent([row for row, _email in unsent], self.worker_id)

    def _record(self) -> None:
        """Every outcome of the batch in one transaction (one commit): the sent ones in a few statements."""
        if not self.outcomes:
            return
        with transaction.atomic():
            _done_many(
                [(row, outcome) for row, outcome in self.outcomes if not isinstance(outcome, SendFailure)],
                self.worker_id,
            )
            for row, outcome in self.outcomes:
                if isinstance(outcome, SendFailure):
                    _fail(row, self.worker_id, outcome)


def _done_many(sent: Sequence[tuple[Outbox, str]], worker_id: str) -> None:
    """_done() for a whole batch: one UPDATE of the outbox rows, one of the messages, one INSERT of events."""
    if not sent:
        return
    now = timezone.now()
    mine = across_orgs(Outbox).filter(
        pk__in=[row.pk for row, _to in sent],
        leased_by=worker_id,
        handed_over_at__isnull=False,
        state__in=[Outbox.State.LEASED, Outbox.State.UNCERTAIN],
    )
    kept = set(mine.values_list("pk", flat=True))
    if len(kept) < len(sent):
        log.warning(
            "outbox: %d row(s) were taken over before they could be marked sent", len(sent) - len(kept)
        )
    sent = [(row, to) for row, to in sent if row.pk in kept]
    if not sent:
        return
    across_orgs(Outbox).filter(pk__in=kept).update(
        state=Outbox.State.DONE, attempts=F("attempts") + 1, last_error=""
    )
    addresses = Case(*(When(pk=row.message_id, then=Value(to)) for row, to in sent), output_field=CharField())
    across_orgs(Message).filter(pk__in=[row.message_id for row, _to in sent]).update(
        state=Message.State.SENT, sent_at=now, sent_to=addresses, last_error="", updated_at=now
    )
    _events([(row.message, f"Sent to {to}.") for row, to in sent], now)
    by_org: dict[int, list[int]] = {}
    for row, _to in sent:
        by_org.setdefault(row.organization_id, []).append(row.message_id)
    for org in Organization.objects.filter(pk__in=by_org):
        messages_went_out.send(sender=Message, organization=org, message_ids=by_org[org.pk])


def send_now(email: OutgoingEmail) -> None:
    """Hand one email that is not a stored message (an account email with a reset link) to the mail server
    at once, over the same connection code: SendFailure, in words, when it did not go."""
    connection = get_connection(fail_silently=False)
    _open(connection)
    try:
        _deliver(connection, email)
    finally:
        _close(connection)


def send_batch(worker_id: str, *, limit: int = BATCH_SIZE) -> int:
    """Claim up to `limit` due messages, send them over one connection, record the outcomes. Returns how
    many messages it handled (0: nothing was due).

    Whatever goes wrong with a claimed message ends on that message, never in the worker: an unexpected
    error is logged with the message's id and fails it (or makes it uncertain, if the server may have it).
    Only a database in trouble is passed up, so the loop can wait for it; the leases then let a later pass
    take the messages again."""
    now = timezone.now()
    if _mark_uncertain_once(now):
        return 1
    rows = _claim_rows(worker_id, now, limit)
    if not rows:
        return 0
    _Batch(worker_id, rows).send()
    return len(rows)


def send_one(worker_id: str) -> bool:
    """Claim and send one due message: a batch of one. True if it found any work."""
    return send_batch(worker_id, limit=1) > 0
