"""The plan engine's values: playbooks loaded from YAML, the facts of one exit, and the plan made from them.

Everything is a frozen dataclass of plain values, so that the web app, the CLI and JSON share one shape and a
plan can be recomputed at any time from the same inputs. The closed sets below are the vocabulary of a
playbook file; adding a value to one is a code change, reviewed like an API change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from goodterms.lib.vocabulary import CONVERSATIONS as _CONVERSATIONS
from goodterms.lib.vocabulary import (
    Channel,
    Check,
    Initiator,
    MessageKind,
    Phase,
    PreferredChannel,
    Reason,
    Situation,
    StepStatus,
)

# The closed sets of a playbook file, from the shared vocabulary (goodterms.lib.vocabulary).
CHANNELS = Channel.values()
ANCHORS = ("notice", "end")  # the notice date (the day the client is told) or the last working day
UNITS = ("business", "calendar")
INITIATORS = Initiator.values()
REASONS = Reason.values()
MESSAGE_KINDS = MessageKind.values()
CHECKS = Check.values()  # a gate that is not a step: open deliverables / unpaid invoices
PHASES = Phase.values()
STATUSES = StepStatus.values()
WARNING_CODES = ("end-before-notice", "notice-too-short", "notice-in-past", "moved-before-gate", "overdue")

# The ids of the shipped playbooks, one per situation (see choose_playbook_id). A test keeps this in step
# with the files in playbooks/, so that the CLI can list them without reading YAML.
SITUATIONS = Situation.values()

CONVERSATIONS = tuple(channel.value for channel in Channel if channel in _CONVERSATIONS)
CONTACT_PLACEHOLDER = "{contact}"  # in a per-contact step's title: the contact's name
EACH_CONTACT = "each contact"  # what {contact} reads when the exit has no contacts (the CLI, a new exit)


@dataclass(frozen=True)
class Offset:
    """When a step is due: `days` (negative = before) counted in `unit` from the `anchor` date."""

    days: int
    unit: str  # one of UNITS
    anchor: str  # one of ANCHORS

    def describe(self) -> str:
        """The short form a playbook file may use: "on notice", "2 business days before notice"."""
        if self.days == 0 and self.unit == "calendar":
            return f"on {self.anchor}"
        count = abs(self.days)
        unit = "business day" if self.unit == "business" else "day"
        side = "before" if self.days < 0 else "after"
        return f"{count} {unit}{'' if count == 1 else 's'} {side} {self.anchor}"


@dataclass(frozen=True)
class Condition:
    """When a step belongs in the plan. Every given field must match the facts; None matches anything."""

    initiated_by: frozenset[str] | None = None
    reasons: frozenset[str] | None = None
    money_affected: bool | None = None
    sour: bool | None = None

    def matches(self, facts: ExitFacts) -> bool:
        return (
            (self.initiated_by is None or facts.initiated_by in self.initiated_by)
            and (self.reasons is None or facts.reason in self.reasons)
            and (self.money_affected is None or facts.money_affected == self.money_affected)
            and (self.sour is None or facts.sour == self.sour)
        )

    @property
    def always(self) -> bool:
        return self == Condition()

    def describe(self) -> str:
        """In words, for the docs and the CLI: "initiated by me or mutual; reason retiring"."""
        parts = []
        if self.initiated_by is not None:
            parts.append("initiated by " + " or ".join(v for v in INITIATORS if v in self.initiated_by))
        if self.reasons is not None:
            parts.append("reason " + " or ".join(v for v in REASONS if v in self.reasons))
        if self.money_affected is not None:
            parts.append("money affected" if self.money_affected else "money not affected")
        if self.sour is not None:
            parts.append("sour" if self.sour else "not sour")
        return "; ".join(parts) or "always"


@dataclass(frozen=True)
class Step:
    """One thing to do in an ending, with why it matters (the practice it serves) and when it is due."""

    id: str
    title: str  # a per-contact step's title has {contact} where the name goes
    why: str
    channel: str  # one of CHANNELS
    due: Offset
    phase: str  # one of PHASES
    when: Condition = Condition()
    message_kind: str | None = None  # one of MESSAGE_KINDS: the message to draft for this step
    gates: tuple[str, ...] = ()  # ids of earlier steps in the same playbook, or names from CHECKS
    per_contact: bool = False  # one planned step per contact (individual goodbyes)
    talking_points: tuple[str, ...] = ()  # for call/meeting steps: shown on the page and in the .ics
    line: int | None = None  # where it is defined, for messages


@dataclass(frozen=True)
class Playbook:
    """The steps for one kind of ending, in the order they are written (gates point only backwards)."""

    id: str
    title: str
    description: str
    steps: tuple[Step, ...]
    path: str | None = None

    def step(self, step_id: str) -> Step:
        """The step with this id; KeyError when there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


@dataclass(frozen=True)
class NoticePolicy:
    """How much notice the freelancer means to give: more when the change costs the client money."""

    minimum_days: int = 30
    money_days: int = 60


@dataclass(frozen=True)
class Contact:
    key: str  # the contact's id as a string
    name: str
    prefers: str = PreferredChannel.EMAIL  # how they like to hear from you: a per-person step follows it


@dataclass(frozen=True)
class ExitFacts:
    """What the plan is made from. Plain values, so the same facts always give the same plan."""

    notice_date: date
    end_date: date
    initiated_by: str = Initiator.ME  # one of INITIATORS
    reason: str = Reason.OTHER  # one of REASONS
    money_affected: bool = False
    sour: bool = False
    contacts: tuple[Contact, ...] = ()
    country: str | None = None  # ISO 3166 code, e.g. "GB"; None = weekends only
    policy: NoticePolicy = NoticePolicy()
    contract_notice_days: int | None = None  # the client's contract overrides the policy when set
    done: Mapping[str, date] = field(default_factory=dict)  # planned-step key -> day done
    moved: Mapping[str, date] = field(default_factory=dict)  # planned-step key -> due date the user chose
    # planned-step key -> the channel the user chose for it ("email instead") or did it by ("called
    # instead"); it wins over the person's preference and the playbook.
    channels: Mapping[str, str] = field(default_factory=dict)
    passed_checks: frozenset[str] = frozenset()  # names from CHECKS that hold (or were overridden)
    # The day the exit was planned. Preparation can't be due before it: a plan started on the notice day
    # asks for the preparation that day, instead of showing it overdue from the first minute.
    planned_on: date | None = None


@dataclass(frozen=True)
class PlannedStep:
    """A step of one exit's plan, with its date and where it stands today."""

    key: str  # step id, or "<step id>:<contact key>" for per-contact steps
    step_id: str
    title: str
    why: str
    channel: str
    phase: str
    due: date
    message_kind: str | None
    gates: tuple[str, ...]  # planned-step keys and check names this step waits for
    closed_gates: tuple[str, ...]  # those of `gates` not yet done / not passed
    status: str  # one of STATUSES
    contact: Contact | None = None
    talking_points: tuple[str, ...] = ()
    done_on: date | None = None
    moved: bool = False
    kept: bool = (
        False  # done earlier but no longer in the plan (conditions/contacts changed): kept, never lost
    )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO text, tuples as lists, `id` for the key."""
        return {
            "id": self.key,
            "step_id": self.step_id,
            "title": self.title,
            "why": self.why,
            "channel": self.channel,
            "phase": self.phase,
            "due": self.due.isoformat(),
            "message_kind": self.message_kind,
            "gates": list(self.gates),
            "closed_gates": list(self.closed_gates),
            "status": self.status,
            "contact": None if self.contact is None else {"key": self.contact.key, "name": self.contact.name},
            "talking_points": list(self.talking_points),
            "done_on": None if self.done_on is None else self.done_on.isoformat(),
            "moved": self.moved,
            "kept": self.kept,
        }


@dataclass(frozen=True)
class PlanWarning:
    """Something the freelancer should look at, in a plain sentence."""

    code: str  # one of WARNING_CODES
    message: str
    earliest_fair_end: date | None = None  # for notice-too-short: the notice date plus the days required

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "earliest_fair_end": None
            if self.earliest_fair_end is None
            else self.earliest_fair_end.isoformat(),
        }


@dataclass(frozen=True)
class Plan:
    """One exit's dated steps, sorted by due date then playbook order, and the warnings about it."""

    playbook_id: str
    steps: tuple[PlannedStep, ...]
    warnings: tuple[PlanWarning, ...]
    notice_days: int  # calendar days from the notice date to the last working day
    required_notice_days: int | None  # None when the client ended it: their choice, no rule applies

    def to_dict(self) -> dict[str, Any]:
        return {
            "playbook": self.playbook_id,
            "notice_days": self.notice_days,
            "required_notice_days": self.required_notice_days,
            "steps": [step.to_dict() for step in self.steps],
            "warnings": [warning.to_dict() for warning in self.warnings],
        }

    def step(self, key: str) -> PlannedStep:
        """The planned step with this key; KeyError when there is none."""
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)
