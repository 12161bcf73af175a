"""The values: conditions match facts, offsets read as the words a file uses, defaults are independent."""

from __future__ import annotations

from datetime import date

import pytest

from goodterms.playbook import Condition, ExitFacts, Offset, default_playbooks

FACTS = ExitFacts(
    notice_date=date(2026, 6, 1), end_date=date(2026, 7, 31), reason="retiring", money_affected=True
)


@pytest.mark.parametrize(
    ("condition", "matches"),
    [
        (Condition(), True),
        (Condition(initiated_by=frozenset({"me", "mutual"})), True),
        (Condition(initiated_by=frozenset({"client"})), False),
        (Condition(reasons=frozenset({"retiring"}), money_affected=True), True),
        (Condition(reasons=frozenset({"retiring"}), money_affected=False), False),  # every field must match
        (Condition(sour=False), True),
        (Condition(sour=True), False),
    ],
)
def test_a_condition_matches_when_every_given_field_does(condition: Condition, matches: bool):
    assert condition.matches(FACTS) is matches


def test_a_condition_describes_itself():
    assert Condition().describe() == "always" and Condition().always
    condition = Condition(
        initiated_by=frozenset({"mutual", "me"}), reasons=frozenset({"retiring"}), sour=False
    )
    assert condition.describe() == "initiated by me or mutual; reason retiring; not sour"
    assert Condition(money_affected=True).describe() == "money affected"


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (Offset(0, "calendar", "notice"), "on notice"),
        (Offset(0, "business", "end"), "0 business days after end"),
        (Offset(-1, "business", "notice"), "1 business day before notice"),
        (Offset(30, "calendar", "end"), "30 days after end"),
        (Offset(-1, "calendar", "end"), "1 day before end"),
    ],
)
def test_an_offset_in_words(offset: Offset, words: str):
    assert offset.describe() == words


def test_facts_do_not_share_their_mappings():
    one = ExitFacts(notice_date=date(2026, 6, 1), end_date=date(2026, 7, 1))
    two = ExitFacts(notice_date=date(2026, 6, 1), end_date=date(2026, 7, 1))
    assert one.done is not two.done and one.moved is not two.moved


def test_a_playbook_finds_its_steps_by_id():
    playbook = default_playbooks()["sour"]
    assert playbook.step("closing-meeting").channel == "meeting"
    with pytest.raises(KeyError):
        playbook.step("nope")
