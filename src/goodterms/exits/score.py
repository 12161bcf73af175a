"""The graceful-exit score: which practices the record shows were followed, each with its reason.

Computed from the record (dates, steps done and when, the checklist), never typed in. A point that does not
apply (notice, when the client ended it) counts neither for nor against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goodterms import playbook
from goodterms.exits.models import Exit, ExitStep, ReadinessItem
from goodterms.lib import words
from goodterms.lib.vocabulary import WRITTEN_KINDS, Channel, MessageKind, Phase


@dataclass(frozen=True)
class Point:
    practice: str
    met: bool | None  # None: does not apply to this exit
    reason: str


@dataclass(frozen=True)
class Score:
    points: tuple[Point, ...]

    @property
    def applicable(self) -> int:
        return sum(1 for p in self.points if p.met is not None)

    @property
    def met(self) -> int:
        return sum(1 for p in self.points if p.met)

    @property
    def percent(self) -> int:
        return round(100 * self.met / self.applicable) if self.applicable else 100


def score(
    exit_: Exit, steps: Sequence[ExitStep], items: Sequence[ReadinessItem], contact_count: int
) -> Score:
    return Score(
        points=(
            _notice(exit_),
            _call_first(steps),
            _goodbyes(steps, contact_count),
            _feedback(steps),
            _readiness(exit_, items),
            _aftercare(steps),
        )
    )


def _notice(exit_: Exit) -> Point:
    practice = "Notice at least the policy"
    facts = playbook.ExitFacts(
        notice_date=exit_.notice_date,
        end_date=exit_.end_date,
        initiated_by=exit_.initiated_by,
        money_affected=exit_.money_affected,
        policy=exit_.organization.notice_policy(),
        contract_notice_days=exit_.client.contract_notice_days,
    )
    required = playbook.required_notice_days(facts)
    if required is None:
        return Point(practice, None, "The client ended it, so the notice was theirs to give.")
    given = exit_.notice_days
    if given >= required:
        return Point(practice, True, f"{given} days' notice; the rule asks for {required}.")
    return Point(practice, False, f"Only {given} days' notice; the rule asks for {required}.")


def _call_first(steps: Sequence[ExitStep]) -> Point:
    practice = "A call or meeting before anything written"
    calls = [s for s in steps if s.is_meeting and s.phase in (Phase.PREPARE, Phase.NOTICE) and s.done_on]
    written = [
        s for s in steps if s.channel == Channel.EMAIL and s.message_kind in WRITTEN_KINDS and s.done_on
    ]
    if not calls:
        if written:
            return Point(practice, False, "Something written went out and no call or meeting is recorded.")
        return Point(practice, False, "The call or meeting is not done yet.")
    first_call = min(s.done_on for s in calls if s.done_on)
    first_written = min((s.done_on for s in written if s.done_on), default=None)
    if first_written is not None and first_written < first_call:
        return Point(
            practice,
            False,
            f"Something written went out on {first_written}, before the call on {first_call}.",
        )
    return Point(practice, True, f"Talked first, on {first_call}; anything written came after.")


def _goodbyes(steps: Sequence[ExitStep], contact_count: int) -> Point:
    practice = "Every contact said goodbye to individually"
    goodbyes = [s for s in steps if s.message_kind == MessageKind.GOODBYE and s.contact_name and not s.kept]
    done = sum(1 for s in goodbyes if s.done_on)
    if not goodbyes:
        return Point(
            practice, False, "No contacts yet: add the people you worked with to say goodbye to each."
        )
    if done == len(goodbyes):
        return Point(practice, True, f"{words.every(done, 'contact').capitalize()} got their own goodbye.")
    return Point(
        practice, False, f"{done} of {words.plural(len(goodbyes), 'contact')} said goodbye to so far."
    )


def _feedback(steps: Sequence[ExitStep]) -> Point:
    practice = "Feedback asked for"
    asked = [s for s in steps if s.message_kind == MessageKind.FEEDBACK_REQUEST and s.done_on]
    if asked:
        return Point(practice, True, f"Asked on {min(s.done_on for s in asked if s.done_on)}.")
    return Point(practice, False, "The feedback request is not done yet.")


def _readiness(exit_: Exit, items: Sequence[ReadinessItem]) -> Point:
    practice = "The job was really over before the goodbyes"
    open_items = [i for i in items if i.done_at is None]
    if exit_.readiness_override and open_items:
        return Point(
            practice,
            False,
            f"Overridden with {words.plural(len(open_items), 'item')} open: {exit_.readiness_override}",
        )
    if open_items:
        return Point(practice, False, f"{_items_phrase(open_items)} still open.")
    if not items:
        return Point(practice, True, "Nothing was left open.")
    return Point(practice, True, f"{_all_done(items)}.")


def _counts(items: Sequence[ReadinessItem]) -> tuple[int, int]:
    deliverables = sum(1 for item in items if item.kind == ReadinessItem.Kind.DELIVERABLE)
    return deliverables, len(items) - deliverables


def _items_phrase(items: Sequence[ReadinessItem]) -> str:
    """'1 deliverable and 2 invoices', '3 invoices': what is in a list of checklist items."""
    deliverables, invoices = _counts(items)
    parts = [words.plural(deliverables, "deliverable")] if deliverables else []
    parts += [words.plural(invoices, "invoice")] if invoices else []
    return " and ".join(parts)


def _all_done(items: Sequence[ReadinessItem]) -> str:
    """'The invoice is paid', 'Both deliverables are delivered', 'All 3 items are done'."""
    deliverables, invoices = _counts(items)
    if not invoices:
        verb = "is delivered" if deliverables == 1 else "are delivered"
        return f"{words.every(deliverables, 'deliverable').capitalize()} {verb}"
    if not deliverables:
        verb = "is paid" if invoices == 1 else "are paid"
        return f"{words.every(invoices, 'invoice').capitalize()} {verb}"
    return f"{words.every(len(items), 'item').capitalize()} are done: {_items_phrase(items)}"


def _aftercare(steps: Sequence[ExitStep]) -> Point:
    practice = "Aftercare scheduled"
    aftercare = [s for s in steps if s.phase == Phase.AFTERCARE]
    if aftercare:
        first = min(s.due for s in aftercare)
        return Point(
            practice, True, f"{words.plural(len(aftercare), 'aftercare step')}, the first on {first}."
        )
    return Point(practice, False, "No keep-in-touch or referral step is planned.")
