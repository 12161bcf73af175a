"""Writes for exits. Every change of fact ends in `exit_replan()`, which asks the plan engine again.

The engine (goodterms.playbook) is plain Python: selectors.exit_facts() turns the database record into
`ExitFacts`, and exit_replan() turns the engine's `Plan` back into `ExitStep` rows. Done steps are never
lost: the engine keeps them. Pages never re-plan: the writes that change a fact do (here, and through the
signals the clients and accounts apps send when a contact or a notice rule changes; see apps.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from goodterms import playbook
from goodterms.accounts.models import Organization, User, hash_token
from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.accounts.securitylog import security_event
from goodterms.clients.models import Client, Contact
from goodterms.exits import selectors
from goodterms.exits.models import CalendarFeed, Exit, ExitEvent, ExitStep, ReadinessItem
from goodterms.exits.signals import exit_cancelled, steps_leaving_plan
from goodterms.lib import dates
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import CONVERSATIONS, Channel, Phase, SecurityEvent


class ExitNotPossible(Refused):
    """The change to an exit was refused and nothing was written; `message` says why."""


@transaction.atomic
def exit_replan(*, exit_: Exit, today: date | None = None) -> playbook.Plan:
    """Ask the engine again and make the stored steps match its plan. Returns the plan (for its warnings)."""
    org = exit_.organization
    # Lock the exit row (PostgreSQL) so two changes at once cannot interleave their step rows.
    scoped(Exit, org).select_for_update().filter(pk=exit_.pk).first()
    existing = {step.key: step for step in scoped(ExitStep, org).filter(exit=exit_)}
    facts = selectors.exit_facts(exit_=exit_, steps=existing.values())
    result = playbook.plan(
        facts, playbook.default_playbooks()[exit_.playbook_id], today or timezone.localdate()
    )
    contacts = {c.key: c for c in facts.contacts}
    seen: set[str] = set()
    new_rows: list[ExitStep] = []
    for position, planned in enumerate(result.steps):
        seen.add(planned.key)
        row = existing.get(planned.key) or ExitStep(organization=org, exit=exit_, key=planned.key)
        contact_key = planned.contact.key if planned.contact else None
        if row.pk is not None and planned.kept:
            # Done, and no longer in the plan (another playbook, a changed fact): the row is the record of
            # what was done, so it keeps its own title and channel; only its place in the list follows.
            if row.position != position or not row.kept:
                row.position, row.kept, row.gates, row.closed_gates = position, True, [], []
                row.save(update_fields=["position", "kept", "gates", "closed_gates"])
            continue
        if row.pk is None or _differs(row, planned, position):
            row.step_id = planned.step_id
            row.position = position
            row.title = planned.title
            row.why = planned.why
            row.channel = planned.channel
            row.phase = planned.phase
            row.message_kind = planned.message_kind or ""
            row.talking_points = list(planned.talking_points)
            row.due = planned.due
            row.gates = list(planned.gates)
            row.closed_gates = list(planned.closed_gates)
            row.kept = planned.kept
            if contact_key is not None and contact_key in contacts:
                row.contact_id = int(contact_key)
                row.contact_name = contacts[contact_key].name
            elif planned.contact is not None:
                row.contact_name = planned.contact.name
            if row._state.adding:
                new_rows.append(row)
            else:
                row.save()
    scoped(ExitStep, org).bulk_create(new_rows)  # a new plan is one INSERT, not one per step
    # A step the plan no longer has and that was never done goes (a done one is kept by the engine).
    gone = [step.pk for key, step in existing.items() if key not in seen and step.done_on is None]
    if gone:
        steps_leaving_plan.send(Exit, organization=org, exit=exit_, step_ids=gone)
        scoped(ExitStep, org).filter(pk__in=gone).delete()
    return result


def exits_replan_for_clients(*, org: Organization, client_ids: Sequence[int]) -> int:
    """Plan the running exits of these clients again (a contact or the contract changed). Returns how many."""
    running = scoped(Exit, org).filter(client_id__in=client_ids, state=Exit.State.RUNNING)
    exits = list(running.select_related("client", "organization"))
    for exit_ in exits:
        exit_replan(exit_=exit_)
    return len(exits)


def exits_replan_for_org(*, org: Organization) -> int:
    """Plan every running exit of `org` again (its notice rules or holiday country changed)."""
    exits = list(scoped(Exit, org).filter(state=Exit.State.RUNNING).select_related("client", "organization"))
    for exit_ in exits:
        exit_replan(exit_=exit_)
    return len(exits)


def _differs(row: ExitStep, planned: playbook.PlannedStep, position: int) -> bool:
    return (
        row.due != planned.due
        or row.position != position
        or row.title != planned.title
        or row.why != planned.why
        or row.gates != list(planned.gates)
        or row.closed_gates != list(planned.closed_gates)
        or row.kept != planned.kept
        or row.phase != planned.phase
        or row.channel != planned.channel
        or row.talking_points != list(planned.talking_points)
    )


def _record(exit_: Exit, user: User | None, text: str) -> None:
    """One line on the exit's record: what happened and who did it."""
    scoped(ExitEvent, exit_.organization).create(exit=exit_, user=user, text=text)


@dataclass(frozen=True)
class ExitStart:
    """What the start form collects."""

    initiated_by: str
    reason: str
    notice_date: date
    end_date: date
    money_affected: bool
    feeling: str
    playbook_id: str = ""  # empty: chosen from the facts
    handover_to: str = ""
    deliverables: tuple[str, ...] = ()
    invoices: tuple[str, ...] = ()


def exit_start(*, client: Client, user: User, start: ExitStart) -> Exit:
    """Start an exit: the plan, the checklist, the client's status (ending), the first line of the record."""
    if client.archived_at is not None:
        raise ExitNotPossible(f"{client.name} is archived. Restore the client first.")
    playbook_id = (
        start.playbook_id
        or selectors.playbook_suggested(
            initiated_by=start.initiated_by,
            reason=start.reason,
            money_affected=start.money_affected,
            feeling=start.feeling,
        ).playbook_id
    )
    _require_playbook(playbook_id)
    try:
        with transaction.atomic():
            exit_ = scoped(Exit, client.organization).create(
                client=client,
                owner=user,
                created_by=user,
                playbook_id=playbook_id,
                playbook_picked=bool(start.playbook_id),
                initiated_by=start.initiated_by,
                reason=start.reason,
                money_affected=start.money_affected,
                feeling=start.feeling,
                notice_date=start.notice_date,
                end_date=start.end_date,
                handover_to=start.handover_to,
            )
            for kind, titles in (
                (ReadinessItem.Kind.DELIVERABLE, start.deliverables),
                (ReadinessItem.Kind.INVOICE, start.invoices),
            ):
                scoped(ReadinessItem, client.organization).bulk_create(
                    ReadinessItem(exit=exit_, kind=kind, title=title) for title in titles
                )
            exit_replan(exit_=exit_)
            _set_client_status(client, Client.Status.ENDING)
            client_statuses_follow(client_ids=[client.pk])  # an exit recorded after the fact
            book = playbook.default_playbooks()[playbook_id]
            _record(exit_, user, f"Exit started with the “{book.title}” playbook.")
    except IntegrityError:
        raise ExitNotPossible(f"An exit is already running for {client.name}.") from None
    return exit_


def exit_update(
    *, exit_: Exit, user: User, changes: dict[str, object], playbook_id: str | None = None
) -> playbook.Plan:
    """Change the exit's facts (dates, who, why, money, feeling) and re-plan; done steps stay done.

    `playbook_id`: None keeps the user's pick, "" lets goodterms choose from the answers, an id picks that
    playbook. A playbook goodterms chose is chosen again when the answers change."""
    _require_running(exit_)
    if playbook_id:
        _require_playbook(playbook_id)
    labels = {name: str(getattr(Exit._meta.get_field(name), "verbose_name", name)) for name in changes}
    changed = []
    with transaction.atomic():
        for name, value in changes.items():
            if getattr(exit_, name) != value:
                changed.append(f"{labels.get(name, name)}: {_show(getattr(exit_, name))} → {_show(value)}")
                setattr(exit_, name, value)
        if playbook_id is not None:
            exit_.playbook_picked = bool(playbook_id)
        before = exit_.playbook_id
        if exit_.playbook_picked:
            exit_.playbook_id = playbook_id or exit_.playbook_id
            because = "you picked it"
        else:
            suggestion = selectors.playbook_suggested_for(exit_=exit_)
            exit_.playbook_id, because = suggestion.playbook_id, suggestion.why
        exit_.save()
        result = exit_replan(exit_=exit_)
        if changed:
            _record(exit_, user, "Changed " + "; ".join(changed) + ".")
        if exit_.playbook_id != before:
            _record(exit_, user, _switch_line(exit_, before, because))
        # A new end date may already be past: the status follows at once, not at the worker's next pass.
        client_statuses_follow(client_ids=[exit_.client_id])
    return result


def exit_switch_playbook(*, exit_: Exit, user: User, playbook_id: str) -> playbook.Plan:
    """Use another playbook from now on: the plan is made again from it, steps already done stay on the
    record, and the switch is a line of the record. The user's pick stays until they pick another."""
    _require_running(exit_)
    _require_playbook(playbook_id)
    with transaction.atomic():
        before = exit_.playbook_id
        exit_.playbook_id, exit_.playbook_picked = playbook_id, True
        exit_.save(update_fields=["playbook_id", "playbook_picked"])
        result = exit_replan(exit_=exit_)
        if before != playbook_id:
            _record(exit_, user, _switch_line(exit_, before, "you picked it"))
    return result


def _switch_line(exit_: Exit, before: str, because: str) -> str:
    books = playbook.default_playbooks()
    old = books[before].title if before in books else before
    done = scoped(ExitStep, exit_.organization).filter(exit=exit_, done_on__isnull=False).count()
    kept = f" {done} done step{'' if done == 1 else 's'} kept." if done else ""
    return f"Playbook switched from “{old}” to “{books[exit_.playbook_id].title}” ({because}).{kept}"


def _require_playbook(playbook_id: str) -> None:
    if playbook_id not in playbook.default_playbooks():
        raise ExitNotPossible(f"There is no playbook called “{playbook_id}”.")


def _show(value: object) -> str:
    if isinstance(value, date):
        return dates.describe_day(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def exit_cancel(*, exit_: Exit, user: User, reason: str = "") -> None:
    """Cancel the exit: the relationship goes on, so the client is active again. The record stays."""
    _require_running(exit_)
    with transaction.atomic():
        claimed = (
            scoped(Exit, exit_.organization)
            .filter(pk=exit_.pk, state=Exit.State.RUNNING)
            .update(state=Exit.State.CANCELLED, cancelled_at=timezone.now())
        )
        if not claimed:
            raise ExitNotPossible("This exit is already cancelled.")
        exit_.refresh_from_db()
        _set_client_status(exit_.client, Client.Status.ACTIVE)
        _record(
            exit_, user, "Exit cancelled; the client is active again." + (f" Why: {reason}" if reason else "")
        )
        exit_cancelled.send(Exit, organization=exit_.organization, exit=exit_)


def exit_reopen(*, exit_: Exit, user: User) -> playbook.Plan:
    """Undo a cancellation: the exit runs again, planned from today with the steps done before kept, and the
    client is ending again. Refused while the client has another running exit or is archived."""
    if exit_.is_running:
        raise ExitNotPossible("This exit is already running.")
    client = exit_.client
    if client.archived_at is not None:
        raise ExitNotPossible(f"{client.name} is archived. Restore the client first, then reopen the exit.")
    other = selectors.running_exit_for(org=exit_.organization, client_id=client.pk)
    if other is not None:
        raise ExitNotPossible(
            f"{client.name} already has a running exit (ending {dates.describe_day(other.end_date)}). "
            "Cancel that one first if this is the one to go on with."
        )
    try:
        with transaction.atomic():
            claimed = (
                scoped(Exit, exit_.organization)
                .filter(pk=exit_.pk, state=Exit.State.CANCELLED)
                .update(state=Exit.State.RUNNING, cancelled_at=None)
            )
            if not claimed:
                raise ExitNotPossible("This exit is already running.")
            exit_.state, exit_.cancelled_at = Exit.State.RUNNING, None
            result = exit_replan(exit_=exit_)
            _set_client_status(client, Client.Status.ENDING)
            client_statuses_follow(client_ids=[client.pk])  # its last day may be past already
            _record(exit_, user, "Exit reopened; the plan is made again and steps already done stay done.")
    except IntegrityError:  # another exit started for this client at the same moment
        raise ExitNotPossible(f"{client.name} already has a running exit.") from None
    return result


def step_done(*, step: ExitStep, user: User, note: str = "", on: date | None = None, how: str = "") -> None:
    """Tick a step off, with an optional note (how the call went). A locked step cannot be ticked. `how`:
    the channel it was done by, when not the planned one (a goodbye said on the phone)."""
    _require_running(step.exit)
    if step.is_done:
        raise ExitNotPossible(f"“{step.title}” is already done.")
    if step.closed_gates:
        raise ExitNotPossible(f"“{step.title}” is locked until {selectors.gate_phrase(step=step)}.")
    with transaction.atomic():
        claimed = (
            scoped(ExitStep, step.organization)
            .filter(pk=step.pk, done_on__isnull=True)
            .update(
                done_on=on or timezone.localdate(),
                done_at=timezone.now(),
                done_by=user,
                note=note,
                done_as=how if how and how != step.channel else "",
            )
        )
        if not claimed:
            raise ExitNotPossible(f"“{step.title}” is already done.")
        _record(step.exit, user, f"Done: {step.title}." + (f" Note: {note}" if note else ""))
        exit_replan(exit_=step.exit)


def step_undo(*, step: ExitStep, user: User) -> None:
    _require_running(step.exit)
    with transaction.atomic():
        scoped(ExitStep, step.organization).filter(pk=step.pk).update(
            done_on=None, done_at=None, done_by=None, done_as=""
        )
        _record(step.exit, user, f"Marked as not done: {step.title}.")
        exit_replan(exit_=step.exit)


def step_channel_choose(*, step: ExitStep, user: User, channel: str) -> playbook.Plan:
    """Do a step another way than planned (an email to someone the plan would call): the plan says so."""
    _require_running(step.exit)
    if channel not in Channel.values():
        raise ExitNotPossible(f"There is no way of doing a step called “{channel}”.")
    with transaction.atomic():
        scoped(ExitStep, step.organization).filter(pk=step.pk).update(channel_chosen=channel)
        _record(step.exit, user, f"“{step.title}”: by {Channel(channel).label.lower()}, as you chose.")
        return exit_replan(exit_=step.exit)


def step_move(*, step: ExitStep, user: User, to: date, at: time | None = None) -> playbook.Plan:
    """Reschedule one step (and, for a call or meeting, set its time). Steps that wait for it follow it."""
    _require_running(step.exit)
    with transaction.atomic():
        step.moved_to = to
        step.at_time = at if step.is_meeting else None
        step.save(update_fields=["moved_to", "at_time"])
        when = dates.describe_day(to) + (f" at {dates.clock(at)}" if at and step.is_meeting else "")
        _record(step.exit, user, f"Rescheduled “{step.title}” to {when}.")
        return exit_replan(exit_=step.exit)


@dataclass(frozen=True)
class Meeting:
    """What the user chose for a call or meeting: who, when, how long, and whether the talking points go
    into the invitation the client receives."""

    attendee_ids: tuple[int, ...]
    day: date
    at: time
    minutes: int = 30
    share_talking_points: bool = False


def step_meeting_set(*, step: ExitStep, user: User, meeting: Meeting) -> playbook.Plan:
    """Set whom a call or meeting is with and when; the invitation is made from this. Steps that wait for
    the call follow its new day, and the record says what was chosen."""
    _require_running(step.exit)
    if not step.is_meeting:
        raise ExitNotPossible("Only calls and meetings have people to invite and a time.")
    people = list(
        scoped(Contact, step.organization)
        .filter(client=step.exit.client_id, pk__in=meeting.attendee_ids)
        .values_list("pk", "name")
    )
    if len(people) != len(set(meeting.attendee_ids)):
        raise ExitNotPossible(f"Choose people who work at {step.exit.client.name}.")
    names = dict(people)
    chosen = list(dict.fromkeys(meeting.attendee_ids))  # in the order given, each once
    with transaction.atomic():
        step.attendee_ids = chosen
        step.minutes = meeting.minutes
        step.share_talking_points = meeting.share_talking_points
        if meeting.day != step.due:
            step.moved_to = meeting.day
        step.at_time = meeting.at
        step.save(update_fields=["attendee_ids", "minutes", "share_talking_points", "moved_to", "at_time"])
        who = _names([names[pk] for pk in chosen]) or "nobody yet"
        when = f"{dates.describe_day(meeting.day)} at {dates.clock(meeting.at)}"
        shared = "; the invitation carries the talking points" if meeting.share_talking_points else ""
        _record(step.exit, user, f"“{step.title}”: with {who}, {when}, {meeting.minutes} minutes{shared}.")
        return exit_replan(exit_=step.exit)


def _names(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def item_add(*, exit_: Exit, user: User, kind: str, title: str) -> ReadinessItem:
    _require_running(exit_)
    with transaction.atomic():
        item = scoped(ReadinessItem, exit_.organization).create(exit=exit_, kind=kind, title=title)
        _record(exit_, user, f"Added to the checklist: {item.get_kind_display().lower()} “{title}”.")
        exit_replan(exit_=exit_)
    return item


def item_set_done(*, item: ReadinessItem, user: User, done: bool) -> None:
    _require_running(item.exit)
    with transaction.atomic():
        item.done_at = timezone.now() if done else None
        item.done_by = user if done else None
        item.save(update_fields=["done_at", "done_by"])
        state = item.done_label if done else f"not {item.done_label}"
        _record(item.exit, user, f"“{item.title}” marked {state}.")
        exit_replan(exit_=item.exit)


def item_delete(*, item: ReadinessItem, user: User) -> None:
    _require_running(item.exit)
    with transaction.atomic():
        item.delete()
        _record(item.exit, user, f"Removed from the checklist: “{item.title}”.")
        exit_replan(exit_=item.exit)


def readiness_override(*, exit_: Exit, user: User, reason: str) -> None:
    """Open the goodbyes although the checklist is not done. The written reason stays on the record."""
    _require_running(exit_)
    reason = reason.strip()
    if not reason:
        raise ExitNotPossible("Say why the goodbyes can go ahead before the checklist is done.")
    with transaction.atomic():
        exit_.readiness_override = reason
        exit_.readiness_overridden_by = user
        exit_.readiness_overridden_at = timezone.now()
        exit_.save(update_fields=["readiness_override", "readiness_overridden_by", "readiness_overridden_at"])
        _record(exit_, user, f"Readiness check overridden. Reason: {reason}")
        exit_replan(exit_=exit_)


def _require_running(exit_: Exit) -> None:
    if not exit_.is_running:
        raise ExitNotPossible("This exit is cancelled; nothing on it can change.")


def _set_client_status(client: Client, status: str) -> None:
    if client.status != status:
        scoped(Client, client.organization).filter(pk=client.pk).update(
            status=status, updated_at=timezone.now()
        )
        client.status = status


def client_statuses_follow(*, client_ids: Sequence[int] | None = None, today: date | None = None) -> None:
    """The client's status follows its exit: ended after the end date, alumni once aftercare starts.

    Two conditional UPDATEs, each touching only clients whose status is behind their running exit (all
    organizations' when `client_ids` is None: the worker's pass). Cancelling an exit sets the client active
    again (exit_cancel); nothing here moves backwards."""
    today = today or timezone.localdate()
    clients = across_orgs(Client) if client_ids is None else across_orgs(Client).filter(pk__in=client_ids)
    ended = across_orgs(Exit).filter(client=OuterRef("pk"), state=Exit.State.RUNNING, end_date__lt=today)
    clients.filter(Exists(ended), status=Client.Status.ENDING).update(
        status=Client.Status.ENDED, updated_at=timezone.now()
    )
    aftercare = across_orgs(ExitStep).filter(
        exit__client=OuterRef("pk"),
        exit__state=Exit.State.RUNNING,
        exit__end_date__lt=today,
        phase=Phase.AFTERCARE,
        due__lte=today,
    )
    clients.filter(Exists(aftercare), status__in=[Client.Status.ENDING, Client.Status.ENDED]).update(
        status=Client.Status.ALUMNI, updated_at=timezone.now()
    )


# --- calendar feeds ---------------------------------------------------------------------------------


def calendar_feed_create(*, org: Organization, user: User) -> str:
    """The user's one private feed with a new token (the old address stops working at once). Returns the
    token, to show once: only its hash is stored."""
    token = CalendarFeed.new_token()
    with transaction.atomic():
        scoped(CalendarFeed, org).update_or_create(
            user=user, defaults={"token_hash": hash_token(token), "created_at": timezone.now()}
        )
        security_event(SecurityEvent.FEED_CREATED, org=org, actor=user)
    return token


def calendar_feed_revoke(*, org: Organization, user: User) -> None:
    with transaction.atomic():
        deleted, _ = scoped(CalendarFeed, org).filter(user=user).delete()
        if deleted:
            security_event(SecurityEvent.FEED_REVOKED, org=org, actor=user)


# --- erasure ------------------------------------------------------------------------------------------


def steps_forget_contact(*, org: Organization, contact: Contact) -> None:
    """A forgotten contact's name leaves the plan's steps and the exits' records (the contact is deleted
    next; a done step stays, as "a forgotten contact", so the plan and the score still count it)."""
    needles = [
        n
        for n in sorted({contact.name, contact.email, *contact.name.split()}, key=len, reverse=True)
        if len(n) >= 3
    ]
    steps = scoped(ExitStep, org).filter(contact=contact)
    for step in steps:
        title = step.title
        for needle in needles:
            title = title.replace(needle, "[erased]")
        step.title, step.contact_name = title, "a forgotten contact"
        step.talking_points = [_erase(str(point), needles) for point in step.talking_points]
        step.save(update_fields=["title", "contact_name", "talking_points"])
    for step in scoped(ExitStep, org).filter(exit__client=contact.client_id, channel__in=CONVERSATIONS):
        if contact.pk in step.attendee_ids:
            step.attendee_ids = [pk for pk in step.attendee_ids if pk != contact.pk]
            step.save(update_fields=["attendee_ids"])
    for event in scoped(ExitEvent, org).filter(exit__client=contact.client_id):
        text = _erase(event.text, needles)
        if text != event.text:
            scoped(ExitEvent, org).filter(pk=event.pk).update(text=text)


def _erase(text: str, needles: list[str]) -> str:
    for needle in needles:
        text = text.replace(needle, "[erased]")
    return text
