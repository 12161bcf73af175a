"""The plan engine: turns the facts of one ending and a playbook into dated steps, gates and warnings.

    >>> from datetime import date
    >>> from goodterms.playbook import ExitFacts, default_playbooks, plan
    >>> facts = ExitFacts(notice_date=date(2026, 6, 1), end_date=date(2026, 7, 31), reason="fit")
    >>> result = plan(facts, default_playbooks()["i-am-ending"], today=date(2026, 5, 20))
    >>> [(s.due.isoformat(), s.channel, s.key) for s in result.steps][1:3]
    [('2026-06-01', 'call', 'call-the-client'), ('2026-06-01', 'email', 'written-notice')]

Plain Python: no Django here. The playbooks are YAML files in `playbooks/`, validated when they are loaded;
`load_playbook()` reads an organization's own file the same way. The holidays package loads on first use.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from goodterms.playbook.business_days import (
    UnknownCountry,
    add_days,
    describe_day,
    is_business_day,
    next_business_day,
)
from goodterms.playbook.engine import Choice, choose_playbook, choose_playbook_id, plan, step_status
from goodterms.playbook.loading import PlaybookError, house_rule_problems, shipped_playbook_files
from goodterms.playbook.loading import load_playbook as _load_playbook
from goodterms.playbook.loading import load_playbooks as _load_playbooks
from goodterms.playbook.model import (
    ANCHORS,
    CHANNELS,
    CHECKS,
    INITIATORS,
    MESSAGE_KINDS,
    PHASES,
    REASONS,
    SITUATIONS,
    STATUSES,
    UNITS,
    WARNING_CODES,
    Condition,
    Contact,
    ExitFacts,
    NoticePolicy,
    Offset,
    Plan,
    PlannedStep,
    PlanWarning,
    Playbook,
    Step,
)
from goodterms.playbook.notice import required_notice_days

__all__ = [
    "ANCHORS",
    "CHANNELS",
    "CHECKS",
    "INITIATORS",
    "MESSAGE_KINDS",
    "PHASES",
    "REASONS",
    "SITUATIONS",
    "STATUSES",
    "UNITS",
    "WARNING_CODES",
    "Choice",
    "Condition",
    "Contact",
    "ExitFacts",
    "NoticePolicy",
    "Offset",
    "Plan",
    "PlanWarning",
    "PlannedStep",
    "Playbook",
    "PlaybookError",
    "Step",
    "UnknownCountry",
    "add_days",
    "choose_playbook",
    "choose_playbook_id",
    "default_playbooks",
    "describe_day",
    "house_rule_problems",
    "is_business_day",
    "load_playbook",
    "next_business_day",
    "plan",
    "required_notice_days",
    "step_status",
]


def load_playbook(path: str | Path) -> Playbook:
    """One playbook file, checked for its shape and the house rules.

    Raises PlaybookError (a ValueError) listing every problem as `file:line: problem`.
    """
    return _load_playbook(path)


@cache
def _shipped() -> tuple[Playbook, ...]:
    return tuple(_load_playbooks(shipped_playbook_files()))


def default_playbooks() -> dict[str, Playbook]:
    """The shipped playbooks by id, read once per process (a new dict each call; the playbooks are frozen)."""
    return {playbook.id: playbook for playbook in _shipped()}
