"""Properties of plan() over generated facts (Hypothesis): calendar, gates, done steps, determinism."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from goodterms.playbook import (
    ANCHORS,
    CHECKS,
    INITIATORS,
    REASONS,
    SITUATIONS,
    UNITS,
    Contact,
    ExitFacts,
    NoticePolicy,
    Offset,
    add_days,
    default_playbooks,
    is_business_day,
    load_playbook,
    plan,
)
from tests.playbook.conftest import HOUSE

PLAYBOOKS = default_playbooks()
COUNTRIES = st.sampled_from([None, "GB", "US", "DE"])
DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
CONTACTS = st.lists(
    st.builds(Contact, key=st.integers(1, 40).map(str), name=st.text(min_size=1, max_size=12)),
    max_size=4,
    unique_by=lambda contact: contact.key,
).map(tuple)
RUNS = settings(max_examples=150, deadline=None)


@st.composite
def exit_facts(draw: st.DrawFn) -> ExitFacts:
    notice = draw(DAYS)
    return ExitFacts(
        notice_date=notice,
        end_date=notice + timedelta(days=draw(st.integers(-20, 150))),
        initiated_by=draw(st.sampled_from(INITIATORS)),
        reason=draw(st.sampled_from(REASONS)),
        money_affected=draw(st.booleans()),
        sour=draw(st.booleans()),
        contacts=draw(CONTACTS),
        country=draw(COUNTRIES),
        policy=NoticePolicy(minimum_days=draw(st.integers(0, 90)), money_days=draw(st.integers(0, 120))),
        contract_notice_days=draw(st.none() | st.integers(0, 120)),
        passed_checks=draw(st.frozensets(st.sampled_from(CHECKS))),
    )


@st.composite
def planned_exits(draw: st.DrawFn) -> tuple[ExitFacts, str, date]:
    """Facts with some of their plan's steps done and moved, a playbook id, and a today."""
    playbook_id = draw(st.sampled_from(SITUATIONS))
    facts = draw(exit_facts())
    today = facts.notice_date + timedelta(days=draw(st.integers(-60, 240)))
    keys = [step.key for step in plan(facts, PLAYBOOKS[playbook_id], today).steps]
    some_day = st.integers(-30, 200).map(lambda offset: facts.notice_date + timedelta(days=offset))
    done = draw(st.dictionaries(st.sampled_from(keys), some_day, max_size=len(keys)))
    moved = draw(st.dictionaries(st.sampled_from(keys), some_day, max_size=3))
    return replace(facts, done=done, moved=moved), playbook_id, today


def unit_of(step_id: str, playbook_id: str) -> str:
    return PLAYBOOKS[playbook_id].step(step_id).due.unit


@RUNS
@given(planned_exits())
def test_business_day_steps_land_on_business_days(case: tuple[ExitFacts, str, date]):
    facts, playbook_id, today = case
    result = plan(facts, PLAYBOOKS[playbook_id], today)
    for step in result.steps:
        if step.kept or step.moved:  # a kept step is dated when it was done; a moved one when the user chose
            continue
        if unit_of(step.step_id, playbook_id) == "business":
            assert is_business_day(step.due, facts.country), (step.key, step.due)
            assert step.due.weekday() < 5


@RUNS
@given(planned_exits())
def test_a_gated_step_is_never_due_before_its_gates(case: tuple[ExitFacts, str, date]):
    facts, playbook_id, today = case
    result = plan(facts, PLAYBOOKS[playbook_id], today)
    for step in result.steps:
        for gate in step.gates:
            if gate not in CHECKS:
                assert result.step(gate).due <= step.due, (gate, step.key)
        assert set(step.closed_gates) <= set(step.gates)
        if step.status == "locked":
            assert step.closed_gates and step.done_on is None


@RUNS
@given(planned_exits(), exit_facts(), st.sampled_from(SITUATIONS))
def test_replanning_never_loses_a_done_step(
    case: tuple[ExitFacts, str, date], other: ExitFacts, other_playbook: str
):
    facts, _, today = case
    # New dates, contacts, conditions, country, even another playbook: the same steps stay done.
    changed = replace(other, done=facts.done, moved=facts.moved)
    result = plan(changed, PLAYBOOKS[other_playbook], today)
    keys = [step.key for step in result.steps]
    assert len(keys) == len(set(keys))
    for key, day in facts.done.items():
        step = result.step(key)
        assert (step.status, step.done_on) == ("done", day)


@RUNS
@given(planned_exits())
def test_the_plan_is_deterministic(case: tuple[ExitFacts, str, date]):
    facts, playbook_id, today = case
    first = plan(facts, PLAYBOOKS[playbook_id], today)
    reordered = replace(
        facts, done=dict(reversed(list(facts.done.items()))), moved=dict(reversed(list(facts.moved.items())))
    )
    assert plan(reordered, PLAYBOOKS[playbook_id], today) == first
    assert first.to_dict() == plan(facts, PLAYBOOKS[playbook_id], today).to_dict()


@RUNS
@given(DAYS, st.integers(-40, 40), COUNTRIES)
def test_counting_business_days_counts_only_business_days(anchor: date, days: int, country: str | None):
    result = add_days(anchor, days, "business", country)
    assert is_business_day(result, country)
    if days == 0:
        assert result >= anchor and all(
            not is_business_day(anchor + timedelta(n), country) for n in range((result - anchor).days)
        )
        return
    low, high = sorted((anchor, result))
    between = [low + timedelta(n) for n in range(1, (high - low).days + 1)]
    if days < 0:  # counting backwards counts the result, not the anchor
        between = [low + timedelta(n) for n in range((high - low).days)]
    assert sum(is_business_day(day, country) for day in between) == abs(days)


@settings(max_examples=100, deadline=None)
@given(st.integers(-1000, 1000), st.sampled_from(UNITS), st.sampled_from(ANCHORS))
def test_an_offset_in_words_reads_back_the_same(days: int, unit: str, anchor: str):
    offset = Offset(days=days, unit=unit, anchor=anchor)
    text = HOUSE.replace("due: 2 business days before notice", f"due: {offset.describe()}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "house.yaml"
        path.write_text(text, encoding="utf-8")
        assert load_playbook(path).steps[0].due == offset


def test_every_default_playbook_validates():
    assert sorted(PLAYBOOKS) == sorted(SITUATIONS)
