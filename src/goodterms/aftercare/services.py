"""Writes for aftercare: the touchpoints (started, come due, done by contact, cancelled), logged contact,
asks and their outcomes, the cadence, and the daily digest.

A touchpoint that comes due drafts its check-in through the messaging app (coached and sent through its one
gate when the user sends it: nothing here sends a client anything) and writes the next touchpoint in the same
transaction. Logged contact after the end marks the nearest open touchpoint done and moves the later one to
follow the contact, not the calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from goodterms.accounts.models import Organization, User, user_zone
from goodterms.accounts.orgscope import scoped
from goodterms.accounts.signals import account_mail
from goodterms.aftercare import selectors
from goodterms.aftercare.models import (
    Ask,
    Cadence,
    DigestChoice,
    DigestSent,
    Outcome,
    Touch,
    Touchpoint,
)
from goodterms.clients import services as client_services
from goodterms.clients.models import Client, Contact
from goodterms.exits.models import Exit
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import Channel, MessageKind
from goodterms.messaging import selectors as message_selectors
from goodterms.messaging import services as message_services
from goodterms.messaging.models import DONE_STATES, EDITABLE_STATES, Message

log = logging.getLogger("goodterms.aftercare")

OPEN = (Touchpoint.State.SCHEDULED, Touchpoint.State.DRAFTED, Touchpoint.State.FAILED)


class AftercareRefused(Refused):
    """Refused, nothing written; `repair` says a repair check-in is the better next step."""

    def __init__(self, message: str, *, repair: bool = False) -> None:
        super().__init__(message)
        self.repair = repair


# --- touchpoints -----------------------------------------------------------------------------------------


def _recipient(exit_: Exit) -> Contact | None:
    return message_selectors.notice_recipient(exit_=exit_)


def touchpoints_start(*, exit_: Exit) -> Touchpoint | None:
    """The exit's first touchpoint, `months[0]` after the end; None when it has one or cannot have one."""
    if not exit_.is_running or scoped(Touchpoint, exit_.organization).filter(exit=exit_).exists():
        return None
    pace = selectors.pace_for(org=exit_.organization, client=exit_.client)
    if not pace.months:
        return None
    day = selectors.add_months(exit_.end_date, pace.months[0])
    try:
        with transaction.atomic():
            return scoped(Touchpoint, exit_.organization).create(
                exit=exit_,
                contact=_recipient(exit_),
                number=1,
                months=pace.months[0],
                due_at=selectors.due_moment(day, selectors.zone_for(exit_)),
            )
    except IntegrityError:
        return None  # another worker wrote it a moment ago


def _write_next(touchpoint: Touchpoint, *, from_day: date) -> Touchpoint | None:
    """The touchpoint after this one, counted from `from_day` (its due day, or the day of the contact)."""
    exit_ = touchpoint.exit
    pace = selectors.pace_for(org=exit_.organization, client=exit_.client)
    later = [m for m in pace.months if m > touchpoint.months]
    if not later:
        return None
    months = later[0]
    day = selectors.add_months(from_day, months - touchpoint.months)
    rows = scoped(Touchpoint, exit_.organization)
    existing = rows.filter(exit=exit_, number=touchpoint.number + 1).first()
    due_at = selectors.due_moment(day, selectors.zone_for(exit_))
    if existing is not None:
        if existing.state == Touchpoint.State.SCHEDULED:
            rows.filter(pk=existing.pk).update(due_at=due_at, months=months)
        return existing
    return rows.create(
        exit=exit_, contact=touchpoint.contact, number=touchpoint.number + 1, months=months, due_at=due_at
    )


def _local_day(exit_: Exit, at: datetime) -> date:
    return at.astimezone(selectors.zone_for(exit_)).date()


def touchpoint_come_due(*, touchpoint: Touchpoint, now: datetime | None = None) -> bool:
    """Draft the check-in of a touchpoint that is due, and write the next touchpoint, in one transaction;
    False when another worker (or the user) got to it first. A draft that cannot be written marks the
    touchpoint "needs you" with the reason, and the schedule waits for the user."""
    now = now or timezone.now()
    exit_ = touchpoint.exit
    rows = scoped(Touchpoint, touchpoint.organization).filter(pk=touchpoint.pk)
    try:
        with transaction.atomic():
            if not rows.filter(state=Touchpoint.State.SCHEDULED, due_at__lte=now).update(
                state=Touchpoint.State.DRAFTED
            ):
                return False
            if not exit_.is_running:
                rows.update(state=Touchpoint.State.CANCELLED, done_how="The exit was cancelled.")
                return True
            contact = touchpoint.contact or _recipient(exit_)
            person = selectors.person_for(exit_)
            if contact is None:
                raise AftercareRefused(
                    f"No one to check in with at {exit_.client.name}: mark a primary contact on the "
                    "client's page, then try again."
                )
            if person is None:
                raise AftercareRefused("No one looks after this exit any more: choose its owner.")
            message = message_services.message_draft(
                exit_=exit_, contact=contact, kind=MessageKind.CHECK_IN, user=person, recurring=True
            )
            rows.update(message=message, contact=contact, problem="")
            _write_next(touchpoint, from_day=_local_day(exit_, touchpoint.due_at))
    except (AftercareRefused, message_services.MessageRefused) as refused:
        rows.filter(state=Touchpoint.State.SCHEDULED).update(
            state=Touchpoint.State.FAILED, problem=refused.message[:500]
        )
        log.warning(
            "aftercare: touchpoint %s could not draft its check-in: %s", touchpoint.pk, refused.message
        )
    return True


def touchpoint_retry(*, touchpoint: Touchpoint) -> None:
    """A touchpoint that needed the user is due again: the worker drafts it on its next pass."""
    scoped(Touchpoint, touchpoint.organization).filter(
        pk=touchpoint.pk, state=Touchpoint.State.FAILED
    ).update(state=Touchpoint.State.SCHEDULED, problem="")


def touchpoint_cancel(*, touchpoint: Touchpoint, user: User) -> None:
    """Skip this touchpoint: its unsent draft is cancelled, nothing goes, and the next one is written."""
    with transaction.atomic():
        if (
            not scoped(Touchpoint, touchpoint.organization)
            .filter(pk=touchpoint.pk, state__in=OPEN)
            .update(state=Touchpoint.State.CANCELLED, done_at=timezone.now(), done_how=f"Skipped by {user}.")
        ):
            raise AftercareRefused("This touchpoint is already done or skipped.")
        message = touchpoint.message
        if message is not None and message.state in EDITABLE_STATES:
            message_services.message_mark(message=message, user=user, action="cancel")
        _write_next(touchpoint, from_day=_local_day(touchpoint.exit, touchpoint.due_at))


def _nearest_open(exit_: Exit, at: datetime) -> Touchpoint | None:
    rows = list(scoped(Touchpoint, exit_.organization).filter(exit=exit_, state__in=OPEN))
    return min(rows, key=lambda t: (abs((t.due_at - at).total_seconds()), t.number)) if rows else None


def contact_log(
    *,
    exit_: Exit,
    contact: Contact | None,
    channel: str,
    user: User | None,
    at: datetime | None = None,
    note: str = "",
    message: Message | None = None,
) -> Touch | None:
    """A call, meeting or message with a former client. After the end it is kept (for "losing touch"), marks
    the nearest open touchpoint done (the message's own touchpoint, for a check-in) and moves the later one
    to count from this day. None when it happened before the end: that is the exit's, not aftercare."""
    at = at or timezone.now()
    if contact is not None and contact.client_id != exit_.client_id:
        raise AftercareRefused(f"{contact.name} is not one of {exit_.client.name}'s people.")
    if channel not in (Channel.CALL, Channel.MEETING, Channel.EMAIL):
        raise AftercareRefused("Log a call, a meeting or an email.")
    day = _local_day(exit_, at)
    if day <= exit_.end_date:
        if message is None:
            raise AftercareRefused(
                f"That is before the end ({exit_.end_date:%-d %B %Y}): tick off the exit's own steps instead."
            )
        return None
    with transaction.atomic():
        touch = scoped(Touch, exit_.organization).create(
            exit=exit_, contact=contact, channel=channel, at=at, note=note, message=message, user=user
        )
        own = None
        if message is not None:
            own = scoped(Touchpoint, exit_.organization).filter(message=message, state__in=OPEN).first()
        nearest = own or _nearest_open(exit_, at)
        if nearest is not None:
            how = (
                "Check-in sent"
                if own is not None
                else f"{Channel(channel).label} on {day:%-d %B %Y}"
                + (f" with {contact.name}" if contact else "")
            )
            if (
                scoped(Touchpoint, exit_.organization)
                .filter(pk=nearest.pk, state__in=OPEN)
                .update(state=Touchpoint.State.DONE, done_at=at, done_how=how[:200], problem="")
            ):
                nearest.exit = exit_
                _write_next(nearest, from_day=day)
    return touch


def contacts_from_messages(*, org: Organization, message_ids: Sequence[int]) -> int:
    """The receiver of messaging's `messages_went_out`: each message that reached a former client after the
    end is a contact with them. Returns how many it counted."""
    counted = 0
    went = (
        scoped(Message, org)
        .filter(pk__in=message_ids, state__in=DONE_STATES, exit__isnull=False)
        .select_related("exit__client", "contact", "created_by")
    )
    for message in went:
        assert message.exit is not None
        if scoped(Touch, org).filter(message=message).exists():
            continue
        channel = Channel.CALL if message.state == Message.State.CALLED else Channel.EMAIL
        touch = contact_log(
            exit_=message.exit,
            contact=message.contact,
            channel=channel,
            user=message.created_by,
            at=message.sent_at or timezone.now(),
            message=message,
        )
        counted += touch is not None
    return counted


# --- the cadence -----------------------------------------------------------------------------------------


def cadence_save(
    *, org: Organization, client: Client | None, months: list[int], ideal_days: int, max_days: int
) -> Cadence:
    """The organization's (or one client's) keep-in-touch cadence. The touchpoints not yet due move to it
    in the same transaction (`_touchpoints_follow`); those drafted, done or skipped stay as they were."""
    if ideal_days > max_days:
        raise AftercareRefused("The ideal interval must not be longer than the maximum.")
    with transaction.atomic():
        rows = scoped(Cadence, org)
        row = rows.filter(client=client).first() if client else rows.filter(client__isnull=True).first()
        if row is None:
            row = rows.create(client=client, months=months, ideal_days=ideal_days, max_days=max_days)
        else:
            rows.filter(pk=row.pk).update(
                months=months, ideal_days=ideal_days, max_days=max_days, updated_at=timezone.now()
            )
            row.refresh_from_db()
        _touchpoints_follow(org=org, client=client)
    return row


def cadence_forget(*, org: Organization, client: Client) -> None:
    """The client follows the organization's cadence again, touchpoints not yet due included."""
    with transaction.atomic():
        scoped(Cadence, org).filter(client=client).delete()
        _touchpoints_follow(org=org, client=client)


def _touchpoints_follow(*, org: Organization, client: Client | None) -> int:
    """Re-date each scheduled touchpoint not yet due of `client` (None: of every client without a cadence
    of its own) to the cadence now in force, from the same starting day: the end for the first, the
    previous touchpoint's day for a later one. One with no place in the new cadence is skipped, saying why.
    How many moved."""
    now = timezone.now()
    pending = scoped(Touchpoint, org).filter(state=Touchpoint.State.SCHEDULED, due_at__gt=now)
    if client is not None:
        pending = pending.filter(exit__client=client)
    else:
        own = scoped(Cadence, org).filter(client__isnull=False).values("client_id")
        pending = pending.exclude(exit__client__in=own)
    moved = 0
    for touchpoint in pending.select_related("exit", "exit__client"):
        exit_ = touchpoint.exit
        pace = selectors.pace_for(org=org, client=exit_.client)
        before = 0
        if touchpoint.number > 1:
            previous = scoped(Touchpoint, org).filter(exit=exit_, number=touchpoint.number - 1).first()
            before = previous.months if previous is not None else 0
        from_day = selectors.add_months(_local_day(exit_, touchpoint.due_at), before - touchpoint.months)
        if touchpoint.number == 1:
            from_day = exit_.end_date
        later = [m for m in pace.months if m > before]
        rows = scoped(Touchpoint, org).filter(pk=touchpoint.pk, state=Touchpoint.State.SCHEDULED)
        if not later:
            rows.update(
                state=Touchpoint.State.CANCELLED,
                done_at=now,
                done_how="The keep-in-touch cadence changed and has no touchpoint this late.",
            )
            continue
        day = selectors.add_months(from_day, later[0] - before)
        due_at = selectors.due_moment(day, selectors.zone_for(exit_))
        if (due_at, later[0]) != (touchpoint.due_at, touchpoint.months):
            moved += rows.update(due_at=due_at, months=later[0])
    return moved


# --- asks and outcomes -----------------------------------------------------------------------------------


def ask_record(*, exit_: Exit, contact: Contact, kind: str, user: User, on: date | None = None) -> Ask:
    """Record that the user asked this person for a referral or a testimonial, within the limits."""
    on = on or timezone.localdate()
    if contact.client_id != exit_.client_id:
        raise AftercareRefused(f"{contact.name} is not one of {exit_.client.name}'s people.")
    with transaction.atomic():
        # The contact row is locked for the check and the insert, so two asks at once are counted in turn.
        scoped(Contact, exit_.organization).select_for_update().filter(pk=contact.pk).first()
        verdict = selectors.ask_verdict(
            exit_=exit_,
            contact=contact,
            kind=kind,
            today=on,
            recommend=selectors.recommend_score(org=exit_.organization, contact=contact),
        )
        if not verdict.allowed:
            raise AftercareRefused(verdict.reason, repair=verdict.repair)
        return scoped(Ask, exit_.organization).create(
            exit=exit_, contact=contact, kind=kind, asked_on=on, user=user
        )


def ask_answer(*, ask: Ask, answer: str, on: date | None = None) -> None:
    if answer not in Ask.Answer.values:
        raise AftercareRefused("Unknown answer.")
    scoped(Ask, ask.organization).filter(pk=ask.pk).update(
        answer=answer, answered_on=None if answer == Ask.Answer.WAITING else (on or timezone.localdate())
    )


def outcome_record(
    *,
    exit_: Exit,
    kind: str,
    user: User,
    on: date,
    contact: Contact | None = None,
    new_client_name: str = "",
    text: str = "",
    consent_wording: str = "",
    note: str = "",
) -> Outcome:
    """What came of the relationship: an introduction (the new client is created and linked), a testimonial
    (its words and the consent, as worded, with its moment), or the client back (a new engagement from
    `on`, linked to this exit; the client is active again)."""
    if contact is not None and contact.client_id != exit_.client_id:
        raise AftercareRefused(f"{contact.name} is not one of {exit_.client.name}'s people.")
    org = exit_.organization
    with transaction.atomic():
        new_client: Client | None = None
        consented_at = None
        if kind == Outcome.Kind.INTRODUCED:
            if not new_client_name.strip():
                raise AftercareRefused("Name the new client they introduced (new_client_name).")
            new_client = client_services.client_create(
                org=org,
                client=Client(
                    name=new_client_name.strip()[:200],
                    notes=f"Introduced by {contact.name if contact else exit_.client.name}.",
                ),
            )
        elif kind == Outcome.Kind.TESTIMONIAL:
            if not text.strip():
                raise AftercareRefused("Write the testimonial's words (text).")
            if not consent_wording.strip():
                raise AftercareRefused(
                    "Write what they agreed to (consent_wording): a testimonial is used only with consent."
                )
            consented_at = timezone.now()
        elif kind == Outcome.Kind.CAME_BACK:
            new_client = exit_.client
            if exit_.client.status != Client.Status.ACTIVE:
                exit_.client.status = Client.Status.ACTIVE
                client_services.client_update(client=exit_.client)
        else:
            raise AftercareRefused("Unknown outcome.")
        outcome = scoped(Outcome, org).create(
            exit=exit_,
            contact=contact,
            kind=kind,
            on=on,
            new_client=new_client,
            text=text.strip(),
            consent_wording=consent_wording.strip(),
            consented_at=consented_at,
            note=note,
            created_by=user,
        )
        if contact is not None:
            ask_kind = Ask.Kind.TESTIMONIAL if kind == Outcome.Kind.TESTIMONIAL else Ask.Kind.REFERRAL
            if kind != Outcome.Kind.CAME_BACK:
                waiting = (
                    scoped(Ask, org)
                    .filter(contact=contact, kind=ask_kind, answer=Ask.Answer.WAITING)
                    .order_by("-asked_on")
                    .first()
                )
                if waiting is not None:
                    ask_answer(ask=waiting, answer=Ask.Answer.YES, on=on)
                    scoped(Outcome, org).filter(pk=outcome.pk).update(ask=waiting)
    return outcome


# --- the digest ------------------------------------------------------------------------------------------


def digest_choose(*, user: User, enabled: bool, at: time) -> DigestChoice:
    org = user.organization
    assert org is not None
    rows = scoped(DigestChoice, org)
    if not rows.filter(user=user).update(enabled=enabled, at=at):
        try:
            with transaction.atomic():
                rows.create(user=user, enabled=enabled, at=at)
        except IntegrityError:
            rows.filter(user=user).update(enabled=enabled, at=at)
    return rows.get(user=user)


def _and_more(items: selectors.DigestItems, section: int, shown: int) -> list[str]:
    """The line that ends a section: how many more there are, when the email lists only the first ones."""
    total = items.totals[section] if items.totals is not None else shown
    return [f"- and {total - shown} more: open goodterms to see them all", ""] if total > shown else [""]


def _digest_text(user: User, items: selectors.DigestItems, today: date) -> str:
    lines = [
        f"Hello {user.name or user.email},",
        "",
        f"What is due in goodterms on {today:%A %-d %B %Y}:",
        "",
    ]
    if items.steps:
        lines.append("Steps of your exits:")
        for step in items.steps:
            late = " (overdue)" if step.due < today else ""
            lines.append(f"- {step.exit.client.name}: {step.title}, due {step.due:%-d %B}{late}")
        lines += _and_more(items, 0, len(items.steps))
    if items.touchpoints:
        lines.append("Keeping in touch:")
        for point in items.touchpoints:
            who = point.contact.name if point.contact else point.exit.client.name
            state = {
                Touchpoint.State.DRAFTED: "a check-in draft waits for you to send it",
                Touchpoint.State.FAILED: f"needs you: {point.problem}",
            }.get(Touchpoint.State(point.state), "comes due today")
            lines.append(f"- {point.exit.client.name}: check in with {who} ({state})")
        lines += _and_more(items, 1, len(items.touchpoints))
    if items.asks:
        lines.append("Asks waiting for an answer:")
        for ask in items.asks:
            lines.append(
                f"- {ask.exit.client.name}: {ask.get_kind_display().lower()} to {ask.contact.name}, "
                f"asked {ask.asked_on:%-d %B}"
            )
        lines += _and_more(items, 2, len(items.asks))
    lines += [
        "Open goodterms to act on them. You get this email once a day at most; change its time or turn it "
        "off under Aftercare, Your daily digest.",
    ]
    return "\n".join(lines)


def digest_send(*, user: User, now: datetime | None = None) -> bool:
    """The user's digest of their local day, if its time has come and it has not gone yet: the (user, day)
    row is claimed first, so two workers send it once; a worker that was down sends it late, the same day.
    True when it claimed the day (sent, or nothing was due, or the mail server refused it)."""
    now = now or timezone.now()
    org = user.organization
    if org is None or not user.is_active or not user.email:
        return False
    choice = selectors.digest_choice(user=user)
    if not choice.enabled:
        return False
    local = now.astimezone(user_zone(user))
    # A wall-clock comparison: on a spring-forward day a 02:30 that never happens is passed at 03:00 and sent
    # then; on a fall-back day the repeated hour finds the day already claimed.
    if local.time().replace(tzinfo=None) < choice.at:
        return False
    rows = scoped(DigestSent, org)
    if rows.filter(user=user, local_date=local.date()).exists():
        return False
    try:
        with transaction.atomic():
            claimed = rows.create(user=user, local_date=local.date(), claimed_at=now)
    except IntegrityError:
        return False  # another worker claimed this day a moment ago
    items = selectors.digest_items(user=user, now=now)
    mine = rows.filter(pk=claimed.pk)
    if not items.count:
        mine.update(state=DigestSent.State.NOTHING)
        return True
    subject = f"goodterms: {items.count} thing{'s' if items.count != 1 else ''} due today"
    responses = account_mail.send(
        sender=DigestSent, to=user.email, subject=subject, text=_digest_text(user, items, local.date())
    )
    if any(bool(result) for _receiver, result in responses):
        mine.update(state=DigestSent.State.SENT, sent_at=timezone.now(), items=items.count)
    else:
        mine.update(
            state=DigestSent.State.FAILED,
            items=items.count,
            error="The mail server did not take it; tomorrow's digest will list what is still due.",
        )
        log.warning("aftercare: the digest of user %s for %s could not be sent", user.pk, local.date())
    return True
