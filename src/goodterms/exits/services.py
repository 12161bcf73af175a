"""Writes for exits. Every change of fact ends in `replan()`, which asks the plan engine again.

The engine (goodterms.playbook) is plain Python: this module turns the database record into `ExitFacts`, and
the engine's `Plan` back into `ExitStep` rows. Done steps are never lost: the engine keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from goodterms import playbook
from goodterms.accounts.models import Organization, User
from goodterms.accounts.orgscope import scoped
from goodterms.clients.models import Client, Contact
from goodterms.exits import jobs
from goodterms.exits.models import Exit, ExitEvent, ExitStep, ReadinessItem
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import Feeling


class ExitNotPossible(Refused):
    """The change to an exit was refused and nothing was written; `message` says why."""


def policy_for(org: Organization) -> playbook.NoticePolicy:
    return playbook.NoticePolicy(minimum_days=org.minimum_notice_days, money_days=org.money_notice_days)


def readiness_passed(exit_: Exit, items: Iterable[ReadinessItem] | None = None) -> bool:
    """The job is really over: every deliverable delivered and invoice paid, or an override with a reason."""
    if exit_.readiness_override:
        return True
    items = exit_.readiness_items.all() if items is None else items
    return all(item.done_at is not None for item in items)


def facts_for(exit_: Exit, *, steps: Iterable[ExitStep] | None = None) -> playbook.ExitFacts:
    """The engine's view of an exit: dates, who and why, contacts, what is done or moved, and the checks."""
    steps = list(exit_.steps.all() if steps is None else steps)
    contacts = scoped(Contact, exit_.organization).filter(client=exit_.client).order_by("name", "pk")
    org = exit_.organization
    return playbook.ExitFacts(
        notice_date=exit_.notice_date,
        end_date=exit_.end_date,
        initiated_by=exit_.initiated_by,
        reason=exit_.reason,
        money_affected=exit_.money_affected,
        sour=exit_.sour,
        contacts=tuple(playbook.Contact(key=str(c.pk), name=c.name) for c in contacts),
        country=org.country or None,
        policy=policy_for(org),
        contract_notice_days=exit_.client.contract_notice_days,
        done={s.key: s.done_on for s in steps if s.done_on is not None},
        moved={s.key: s.moved_to for s in steps if s.moved_to is not None},
        passed_checks=frozenset({"readiness"}) if readiness_passed(exit_) else frozenset(),
        planned_on=timezone.localdate(exit_.created_at),
    )


@transaction.atomic
def replan(exit_: Exit, *, today: date | None = None) -> playbook.Plan:
    """Ask the engine again and make the stored steps match its plan. Returns the plan (for its warnings)."""
    # Lock the exit row (PostgreSQL) so two changes at once cannot interleave their step rows.
    Exit.objects.select_for_update().filter(pk=exit_.pk).first()
    existing = {step.key: step for step in exit_.steps.all()}
    facts = facts_for(exit_, steps=existing.values())
    result = playbook.plan(
        facts, playbook.default_playbooks()[exit_.playbook_id], today or timezone.localdate()
    )
    contacts = {c.key: c for c in facts.contacts}
    seen: set[str] = set()
    new_rows: list[ExitStep] = []
    for position, planned in enumerate(result.steps):
        seen.add(planned.key)
        row = existing.get(planned.key) or ExitStep(
            organization=exit_.organization, exit=exit_, key=planned.key
        )
        contact_key = planned.contact.key if planned.contact else None
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
    ExitStep.objects.bulk_create(new_rows)  # a new plan is one INSERT, not one per step
    # A step the plan no longer has and that was never done goes (a done one is kept by the engine).
    gone = [step.pk for key, step in existing.items() if key not in seen and step.done_on is None]
    if gone:
        ExitStep.objects.filter(pk__in=gone).delete()
    return result


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


def record(exit_: Exit, user: User | None, text: str) -> None:
    ExitEvent.objects.create(organization=exit_.organization, exit=exit_, user=user, text=text)


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
    playbook_id = start.playbook_id or playbook.choose_playbook_id(
        start.initiated_by, start.reason, start.money_affected, start.feeling == Feeling.SOUR
    )
    if playbook_id not in playbook.default_playbooks():
        raise ExitNotPossible(f"There is no playbook called {playbook_id!r}.")
    try:
        with transaction.atomic():
            exit_ = Exit.objects.create(
                organization=client.organization,
                client=client,
                owner=user,
                created_by=user,
                playbook_id=playbook_id,
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
                ReadinessItem.objects.bulk_create(
                    ReadinessItem(organization=client.organization, exit=exit_, kind=kind, title=title)
                    for title in titles
                )
            replan(exit_)
            _set_client_status(client, Client.Status.ENDING)
            jobs.follow_client_statuses(client_ids=[client.pk])  # an exit recorded after the fact
            book = playbook.default_playbooks()[playbook_id]
            record(exit_, user, f"Exit started with the “{book.title}” playbook.")
    except IntegrityError:
        raise ExitNotPossible(f"An exit is already running for {client.name}.") from None
    return exit_


def exit_update(*, exit_: Exit, user: User, changes: dict[str, object]) -> playbook.Plan:
    """Change the exit's facts (dates, who, why, money, feeling) and re-plan; done steps stay done."""
    _require_running(exit_)
    labels = {name: str(getattr(Exit._meta.get_field(name), "verbose_name", name)) for name in changes}
    changed = []
    with transaction.atomic():
        for name, value in changes.items():
            if getattr(exit_, name) != value:
                changed.append(f"{labels.get(name, name)}: {_show(getattr(exit_, name))} → {_show(value)}")
                setattr(exit_, name, value)
        exit_.save()
        result = replan(exit_)
        if changed:
            record(exit_, user, "Changed " + "; ".join(changed) + ".")
        # A new end date may already be past: the status follows at once, not at the worker's next pass.
        jobs.follow_client_statuses(client_ids=[exit_.client_id])
    return result


def _show(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def exit_cancel(*, exit_: Exit, user: User, reason: str = "") -> None:
    """Cancel the exit: the relationship goes on, so the client is active again. The record stays."""
    _require_running(exit_)
    with transaction.atomic():
        claimed = Exit.objects.filter(pk=exit_.pk, state=Exit.State.RUNNING).update(
            state=Exit.State.CANCELLED, cancelled_at=timezone.now()
        )
        if not claimed:
            raise ExitNotPossible("This exit is already cancelled.")
        exit_.refresh_from_db()
        _set_client_status(exit_.client, Client.Status.ACTIVE)
        record(
            exit_, user, "Exit cancelled; the client is active again." + (f" Why: {reason}" if reason else "")
        )


def step_done(*, step: ExitStep, user: User, note: str = "", on: date | None = None) -> None:
    """Tick a step off, with an optional note (how the call went). A locked step cannot be ticked."""
    _require_running(step.exit)
    if step.is_done:
        raise ExitNotPossible(f"“{step.title}” is already done.")
    if step.closed_gates:
        raise ExitNotPossible(f"“{step.title}” is locked until {gate_phrase(step)}.")
    with transaction.atomic():
        claimed = ExitStep.objects.filter(pk=step.pk, done_on__isnull=True).update(
            done_on=on or timezone.localdate(), done_at=timezone.now(), done_by=user, note=note
        )
        if not claimed:
            raise ExitNotPossible(f"“{step.title}” is already done.")
        record(step.exit, user, f"Done: {step.title}." + (f" Note: {note}" if note else ""))
        replan(step.exit)


def step_undo(*, step: ExitStep, user: User) -> None:
    _require_running(step.exit)
    with transaction.atomic():
        ExitStep.objects.filter(pk=step.pk).update(done_on=None, done_at=None, done_by=None)
        record(step.exit, user, f"Marked as not done: {step.title}.")
        replan(step.exit)


def step_move(*, step: ExitStep, user: User, to: date, at: time | None = None) -> playbook.Plan:
    """Reschedule one step (and, for a call or meeting, set its time). Steps that wait for it follow it."""
    _require_running(step.exit)
    with transaction.atomic():
        step.moved_to = to
        step.at_time = at if step.is_meeting else None
        step.save(update_fields=["moved_to", "at_time"])
        when = f"{to:%A} {to.day} {to:%B %Y}" + (f" at {at:%H:%M}" if at and step.is_meeting else "")
        record(step.exit, user, f"Rescheduled “{step.title}” to {when}.")
        return replan(step.exit)


def item_add(*, exit_: Exit, user: User, kind: str, title: str) -> ReadinessItem:
    _require_running(exit_)
    with transaction.atomic():
        item = ReadinessItem.objects.create(
            organization=exit_.organization, exit=exit_, kind=kind, title=title
        )
        record(exit_, user, f"Added to the checklist: {item.get_kind_display().lower()} “{title}”.")
        replan(exit_)
    return item


def item_set_done(*, item: ReadinessItem, user: User, done: bool) -> None:
    _require_running(item.exit)
    with transaction.atomic():
        item.done_at = timezone.now() if done else None
        item.done_by = user if done else None
        item.save(update_fields=["done_at", "done_by"])
        state = item.done_label if done else f"not {item.done_label}"
        record(item.exit, user, f"“{item.title}” marked {state}.")
        replan(item.exit)


def item_delete(*, item: ReadinessItem, user: User) -> None:
    _require_running(item.exit)
    with transaction.atomic():
        item.delete()
        record(item.exit, user, f"Removed from the checklist: “{item.title}”.")
        replan(item.exit)


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
        record(exit_, user, f"Readiness check overridden. Reason: {reason}")
        replan(exit_)


def gate_phrase(step: ExitStep) -> str:
    """'the call is done and the checklist is complete': what a locked step waits for, in words."""
    titles = dict(scoped(ExitStep, step.organization).filter(exit=step.exit).values_list("key", "title"))
    parts = []
    for gate in step.closed_gates:
        if gate == "readiness":
            parts.append("every deliverable is delivered and every invoice paid")
        else:
            parts.append(f"“{titles.get(gate, gate)}” is done")
    return " and ".join(parts) or "its gates open"


def _require_running(exit_: Exit) -> None:
    if not exit_.is_running:
        raise ExitNotPossible("This exit is cancelled; nothing on it can change.")


def _set_client_status(client: Client, status: str) -> None:
    if client.status != status:
        Client.objects.filter(pk=client.pk).update(status=status, updated_at=timezone.now())
        client.status = status
