"""plan(): one exit's facts and a playbook in, dated steps and warnings out.

The plan is a pure function of its inputs, so the web app recomputes it whenever the facts change (new dates,
another contact, a step done or moved) instead of storing dates that go stale. What the user did is never
lost in a recomputation: a done step that the new facts no longer call for stays in the plan, marked kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from goodterms.lib.vocabulary import (
    Channel,
    Initiator,
    Phase,
    PreferredChannel,
    Reason,
    Situation,
    StepStatus,
    contact_step_key,
)
from goodterms.playbook.business_days import add_days, country_code, describe_day, next_business_day
from goodterms.playbook.model import (
    CHECKS,
    CONTACT_PLACEHOLDER,
    EACH_CONTACT,
    INITIATORS,
    REASONS,
    Contact,
    ExitFacts,
    Plan,
    PlannedStep,
    PlanWarning,
    Playbook,
    Step,
)
from goodterms.playbook.notice import notice_warnings, required_notice_days

__all__ = ["Choice", "choose_playbook", "choose_playbook_id", "plan", "step_status"]

KEPT_WHY = "Done earlier, for a step this plan no longer has. It stays here so that nothing you did is lost."


@dataclass(frozen=True)
class Choice:
    """The shipped playbook a situation calls for, and why, in words the start form can show."""

    playbook_id: str
    why: str


def choose_playbook(initiated_by: str, reason: str, money_affected: bool, sour: bool) -> Choice:
    """The shipped playbook for a situation; the first rule that fits wins.

    Money being affected alone does not make a money change: ending the work, with or without a fee
    involved, is an ending, and the notice rules give it the longer notice. The money-change playbook is for
    a change of fees or of who manages the work, after which the client may carry on or part ways."""
    if sour:
        return Choice(Situation.SOUR, "the relationship has gone sour: frank, short and professional")
    if initiated_by == Initiator.CLIENT:
        return Choice(Situation.CLIENT_ENDED, "the client ended it: thank them and hear them out")
    if reason in (Reason.FEE_CHANGE, Reason.MANAGEMENT_CHANGE):
        return Choice(
            Situation.MONEY_CHANGE,
            "your fees or who manages the work are changing: the client chooses to carry on or part ways",
        )
    if reason == Reason.PROJECT_COMPLETE:
        return Choice(Situation.PROJECT_COMPLETE, "the project is complete: wrap it up and say goodbye")
    longer = " (money is affected, so the notice rules ask for the longer notice)" if money_affected else ""
    return Choice(Situation.I_AM_ENDING, "you are ending the work" + longer)


def choose_playbook_id(initiated_by: str, reason: str, money_affected: bool, sour: bool) -> str:
    """choose_playbook()'s id alone."""
    return choose_playbook(initiated_by, reason, money_affected, sour).playbook_id


def _check(facts: ExitFacts) -> str | None:
    """The country code to count business days in; ValueError for facts outside the closed sets."""
    if facts.initiated_by not in INITIATORS:
        raise ValueError(f"unknown initiated_by {facts.initiated_by!r}; allowed: {', '.join(INITIATORS)}")
    if facts.reason not in REASONS:
        raise ValueError(f"unknown reason {facts.reason!r}; allowed: {', '.join(REASONS)}")
    return country_code(facts.country)  # UnknownCountry, a ValueError, names a bad code


def _title(step: Step, contact_name: str | None) -> str:
    if not step.per_contact:
        return step.title
    return step.title.replace(CONTACT_PLACEHOLDER, contact_name or EACH_CONTACT)


def _name(contact: Contact | None) -> str | None:
    if contact is None:
        return None
    return contact.name.strip() or f"contact {contact.key}"  # a blank name still reads as a sentence


# How a person's preference turns a per-person written step into a conversation.
_SPOKEN: dict[str, str] = {PreferredChannel.PHONE: Channel.CALL, PreferredChannel.IN_PERSON: Channel.MEETING}


def _channel(step: Step, key: str, contact: Contact | None, facts: ExitFacts) -> str:
    """The step's channel for this person: what the user chose or did ("email instead", "called instead"),
    else, for a written per-person step, the person's own preference (a goodbye by phone for someone who
    prefers the phone), else the playbook's."""
    if key in facts.channels:
        return facts.channels[key]
    if contact is not None and step.per_contact and step.channel == Channel.EMAIL:
        return _SPOKEN.get(contact.prefers, step.channel)
    return step.channel


def step_status(done_on: date | None, closed_gates: Sequence[str], due: date, today: date) -> StepStatus:
    """Where a step stands on `today`: the one definition the plan, the pages and the CLI share."""
    if done_on is not None:
        return StepStatus.DONE
    if closed_gates:
        return StepStatus.LOCKED
    if due < today:
        return StepStatus.OVERDUE
    return StepStatus.TODAY if due == today else StepStatus.UPCOMING


def _listed(items: list[str]) -> str:
    """Items joined as a sentence would: a; a and b; a, b and c; a, b, c and 2 more."""
    if len(items) > 3:
        return ", ".join(items[:3]) + f" and {len(items) - 3} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _kept(key: str, done_on: date, playbook: Playbook, contacts: dict[str, Contact]) -> PlannedStep:
    """A done step the plan no longer produces, rebuilt from the playbook as far as it still can be."""
    step_id, _, contact_key = key.partition(":")
    try:
        step = playbook.step(step_id)
    except KeyError:
        return PlannedStep(
            key=key,
            step_id=step_id,
            title=key,
            why=KEPT_WHY,
            channel="task",
            phase="wrap-up",
            due=done_on,
            message_kind=None,
            gates=(),
            closed_gates=(),
            status=StepStatus.DONE,
            done_on=done_on,
            kept=True,
        )
    contact = contacts.get(contact_key) if contact_key else None
    name = _name(contact) if contact is not None else (f"contact {contact_key}" if contact_key else None)
    return PlannedStep(
        key=key,
        step_id=step.id,
        title=_title(step, name),
        why=step.why,
        channel=step.channel,
        phase=step.phase,
        due=done_on,
        message_kind=step.message_kind,
        gates=(),
        closed_gates=(),
        status=StepStatus.DONE,
        contact=contact,
        talking_points=step.talking_points,
        done_on=done_on,
        kept=True,
    )


def plan(facts: ExitFacts, playbook: Playbook, today: date) -> Plan:
    """The steps of `playbook` that fit `facts`, dated, gated and with their status as of `today`.

    Raises ValueError (UnknownCountry for a bad country) when the facts are outside the closed sets.
    """
    country = _check(facts)
    contacts: dict[str, Contact] = {}
    for person in facts.contacts:
        contacts.setdefault(person.key, person)
    anchors = {"notice": facts.notice_date, "end": facts.end_date}

    keys_of: dict[str, list[str]] = {}  # step id -> its planned keys (one per contact for per-contact steps)
    due_of: dict[str, date] = {}  # planned key -> due date
    title_of: dict[str, str] = {}
    order: list[tuple[date, int, int, str, PlannedStep]] = []
    moved_warnings: list[PlanWarning] = []
    for index, step in enumerate(playbook.steps):
        if not step.when.matches(facts):
            continue
        gates: list[str] = []
        for gate in step.gates:  # a gate on a step left out by its condition is no gate
            if gate in CHECKS:
                gates.append(gate)
            else:
                gates.extend(keys_of.get(gate, ()))
        waits_for = max((key for key in gates if key in due_of), key=lambda key: due_of[key], default=None)
        closed = tuple(
            gate
            for gate in gates
            if (gate not in facts.passed_checks if gate in CHECKS else gate not in facts.done)
        )
        computed = add_days(anchors[step.due.anchor], step.due.days, step.due.unit, country)
        if step.phase == "prepare" and facts.planned_on is not None and computed < facts.planned_on:
            computed = facts.planned_on
            if step.due.unit == "business":
                computed = next_business_day(computed, country)
        if step.per_contact and contacts:
            targets: list[tuple[str, Contact | None]] = [
                (contact_step_key(step.id, c.key), c) for c in contacts.values()
            ]
        else:
            targets = [(step.id, None)]
        keys_of[step.id] = []
        for position, (key, contact) in enumerate(targets):
            title = _title(step, _name(contact))
            chosen = facts.moved.get(key)
            due = computed if chosen is None else chosen
            if waits_for is not None and due < due_of[waits_for]:
                due = due_of[waits_for]
                if step.due.unit == "business":
                    due = next_business_day(due, country)
                if chosen is not None:
                    moved_warnings.append(
                        PlanWarning(
                            code="moved-before-gate",
                            message=f'You moved "{title}" to {describe_day(chosen)}, before '
                            f'"{title_of[waits_for]}" ({describe_day(due_of[waits_for])}), which it waits '
                            f"for. It is due {describe_day(due)} instead.",
                        )
                    )
            done_on = facts.done.get(key)
            planned = PlannedStep(
                key=key,
                step_id=step.id,
                title=title,
                why=step.why,
                channel=_channel(step, key, contact, facts),
                phase=step.phase,
                due=due,
                message_kind=step.message_kind,
                gates=tuple(gates),
                closed_gates=closed,
                status=step_status(done_on, closed, due, today),
                contact=contact,
                talking_points=step.talking_points,
                done_on=done_on,
                moved=chosen is not None,
            )
            keys_of[step.id].append(key)
            due_of[key] = due
            title_of[key] = title
            order.append((due, index, position, key, planned))

    positions = {step.id: index for index, step in enumerate(playbook.steps)}
    for key, done_on in facts.done.items():
        if key not in due_of:
            kept = _kept(key, done_on, playbook, contacts)
            order.append((done_on, positions.get(kept.step_id, len(positions)), 0, key, kept))
    order.sort(key=lambda entry: entry[:4])
    steps = tuple(entry[4] for entry in order)

    return Plan(
        playbook_id=playbook.id,
        steps=steps,
        warnings=tuple(_warnings(facts, steps, today, moved_warnings)),
        notice_days=(facts.end_date - facts.notice_date).days,
        required_notice_days=required_notice_days(facts),
    )


def _warnings(
    facts: ExitFacts, steps: tuple[PlannedStep, ...], today: date, moved: list[PlanWarning]
) -> list[PlanWarning]:
    """In a fixed order: the dates, a notice not yet given, steps moved before their gates, overdue steps."""
    warnings = notice_warnings(facts)
    untold = [f'"{s.title}"' for s in steps if s.phase == Phase.NOTICE and s.status != StepStatus.DONE]
    if facts.notice_date < today and facts.initiated_by != Initiator.CLIENT and untold:
        verb, them = ("is", "it") if len(untold) == 1 else ("are", "them")
        warnings.append(
            PlanWarning(
                code="notice-in-past",
                message=f"The notice date, {describe_day(facts.notice_date)}, has passed, but "
                f"{_listed(untold)} {verb} not marked done. If you have told the client, mark {them} done; "
                "if not, tell them soon and check that the last day still gives them fair notice.",
            )
        )
    warnings.extend(moved)
    overdue = [s for s in steps if s.status == "overdue"]
    if overdue:
        count, them = ("1 step is", "it") if len(overdue) == 1 else (f"{len(overdue)} steps are", "them")
        warnings.append(
            PlanWarning(
                code="overdue",
                message=f"{count} overdue: "
                + _listed([f'"{s.title}" (due {describe_day(s.due)})' for s in overdue])
                + f". Do {them}, or move {them} to a date you can keep.",
            )
        )
    return warnings
