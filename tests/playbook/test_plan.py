"""plan(): dates from anchors, gates, per-contact steps, moved and done steps, statuses and warnings."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from goodterms.playbook import (
    SITUATIONS,
    Contact,
    ExitFacts,
    Playbook,
    UnknownCountry,
    choose_playbook_id,
    default_playbooks,
    load_playbook,
    plan,
)
from tests.playbook.conftest import HOUSE, WritePlaybook

NOTICE, END = date(2026, 6, 1), date(2026, 7, 31)  # a Monday and a Friday
BEFORE = date(2026, 5, 1)
DANA, SAM = Contact(key="17", name="Dana Reyes"), Contact(key="4", name="Sam Ito")

# Two more steps for HOUSE: one only when money is affected, and an email that waits for it.
CONDITIONAL = """\
  - id: settle
    title: Settle what is owed
    why: Money left open keeps a bad ending alive.
    channel: task
    phase: wrap-up
    due: 5 days after notice
    when: {money_affected: true}
  - id: thanks
    title: Thank them
    why: Kindness.
    channel: email
    phase: wrap-up
    due: 1 day after notice
    gates: [call, settle]
"""


def facts(**given: Any) -> ExitFacts:
    return ExitFacts(notice_date=NOTICE, end_date=END, **given)


def dues(result: Any) -> dict[str, date]:
    return {step.key: step.due for step in result.steps}


# --- dates and order -----------------------------------------------------------------------------------


def test_each_step_is_dated_from_its_anchor_and_sorted(house: Playbook):
    result = plan(facts(), house, BEFORE)
    assert dues(result) == {
        "prep": date(2026, 5, 28),  # 2 business days before the Monday: Thursday
        "call": NOTICE,
        "goodbye": END,
        "feedback": date(2026, 8, 4),  # 2 business days after the Friday: Tuesday
        "check-in": date(2026, 8, 30),  # 30 calendar days, a Sunday: calendar steps land on any day
    }
    assert [step.key for step in result.steps] == ["prep", "call", "goodbye", "feedback", "check-in"]
    assert result.playbook_id == "house" and result.notice_days == 60 and result.required_notice_days == 30


def test_the_same_date_keeps_the_playbook_order():
    result = plan(facts(reason="fit"), default_playbooks()["i-am-ending"], BEFORE)
    on_notice = [step.key for step in result.steps if step.due == NOTICE]
    assert on_notice == ["call-the-client", "written-notice"]


def test_business_days_skip_the_countrys_holidays():
    playbook = default_playbooks()["project-complete"]
    notice, end = date(2026, 12, 14), date(2026, 12, 31)
    in_gb = plan(ExitFacts(notice_date=notice, end_date=end, country="GB"), playbook, date(2026, 12, 1))
    # 5 business days before Thursday 31 December, over Christmas and Boxing Day (observed Monday 28th).
    assert in_gb.step("handover").due == date(2026, 12, 22)
    assert in_gb.step("feedback-request").due == date(2027, 1, 6)  # 1 January is a holiday too
    weekends_only = plan(ExitFacts(notice_date=notice, end_date=end), playbook, date(2026, 12, 1))
    assert weekends_only.step("handover").due == date(2026, 12, 24)


# --- per-contact steps ---------------------------------------------------------------------------------


def test_per_contact_steps_become_one_step_per_contact(house: Playbook):
    result = plan(facts(contacts=(DANA, SAM, Contact(key="17", name="Dana again"))), house, BEFORE)
    goodbyes = [step for step in result.steps if step.step_id == "goodbye"]
    assert [(s.key, s.title, s.contact) for s in goodbyes] == [
        ("goodbye:17", "Say goodbye to Dana Reyes", DANA),
        ("goodbye:4", "Say goodbye to Sam Ito", SAM),
    ]
    assert result.step("check-in").gates == ("goodbye:17", "goodbye:4")  # a gate waits for every contact


def test_without_contacts_one_step_says_each_contact(house: Playbook):
    step = plan(facts(), house, BEFORE).step("goodbye")
    assert (step.title, step.contact) == ("Say goodbye to each contact", None)


# --- gates ---------------------------------------------------------------------------------------------


def test_a_gated_step_is_locked_until_its_gates_are_done_and_checks_pass(house: Playbook):
    locked = plan(facts(contacts=(DANA,)), house, BEFORE).step("goodbye:17")
    assert locked.gates == ("readiness", "call") and locked.closed_gates == ("readiness", "call")
    assert locked.status == "locked"
    half = plan(facts(contacts=(DANA,), done={"call": NOTICE}), house, BEFORE).step("goodbye:17")
    assert (half.closed_gates, half.status) == (("readiness",), "locked")
    open_ = plan(
        facts(contacts=(DANA,), done={"call": NOTICE}, passed_checks=frozenset({"readiness"})), house, BEFORE
    ).step("goodbye:17")
    assert (open_.closed_gates, open_.status) == ((), "upcoming")


def test_a_step_is_never_due_before_its_gate(write_playbook: WritePlaybook):
    early = HOUSE.replace("due: 2 business days after end", "due: 2 business days before notice")
    playbook = load_playbook(write_playbook(early))
    assert plan(facts(), playbook, BEFORE).step("feedback").due == NOTICE


def test_a_gate_on_a_step_left_out_is_no_gate(write_playbook: WritePlaybook):
    playbook = load_playbook(write_playbook(HOUSE + CONDITIONAL))
    without = plan(facts(), playbook, BEFORE)
    assert "settle" not in dues(without)
    assert without.step("thanks").gates == ("call",) and without.step("thanks").due == date(2026, 6, 2)
    with_money = plan(facts(money_affected=True), playbook, BEFORE)
    assert with_money.step("thanks").gates == ("call", "settle")
    assert with_money.step("thanks").due == date(2026, 6, 6)  # the settle step's date, a Saturday


# --- moved steps ---------------------------------------------------------------------------------------


def test_a_moved_step_keeps_the_chosen_date_and_the_steps_after_it_follow(write_playbook: WritePlaybook):
    early = HOUSE.replace("due: 2 business days after end", "due: 2 business days before notice")
    playbook = load_playbook(write_playbook(early))
    saturday = date(2026, 6, 6)
    result = plan(facts(moved={"call": saturday}), playbook, BEFORE)
    call = result.step("call")
    assert (call.due, call.moved) == (saturday, True)
    assert result.step("feedback").due == date(2026, 6, 8)  # follows the call, on to the next business day
    assert not result.step("feedback").moved
    assert not result.warnings or all(w.code != "moved-before-gate" for w in result.warnings)


def test_a_step_moved_before_its_gate_is_held_at_the_gate_with_a_warning(house: Playbook):
    result = plan(facts(contacts=(DANA,), moved={"goodbye:17": date(2026, 5, 20)}), house, BEFORE)
    goodbye = result.step("goodbye:17")
    assert (goodbye.due, goodbye.moved) == (NOTICE, True)
    [warning] = [w for w in result.warnings if w.code == "moved-before-gate"]
    assert warning.message == (
        'You moved "Say goodbye to Dana Reyes" to Wednesday 20 May 2026, before "Call them" (Monday 1 June '
        "2026), which it waits for. It is due Monday 1 June 2026 instead."
    )


# --- done steps are never lost -------------------------------------------------------------------------


def test_a_done_step_has_its_day(house: Playbook):
    call = plan(facts(done={"call": date(2026, 5, 29)}), house, BEFORE).step("call")
    assert (call.status, call.done_on, call.due, call.kept) == ("done", date(2026, 5, 29), NOTICE, False)


def test_a_done_step_for_a_contact_no_longer_on_the_exit_is_kept(house: Playbook):
    done = {"goodbye:4": date(2026, 7, 30)}
    result = plan(facts(contacts=(DANA,), done=done), house, BEFORE)
    kept = result.step("goodbye:4")
    assert (kept.kept, kept.status, kept.done_on, kept.due) == (
        True,
        "done",
        date(2026, 7, 30),
        date(2026, 7, 30),
    )
    assert (kept.title, kept.contact, kept.step_id, kept.channel) == (
        "Say goodbye to contact 4",
        None,
        "goodbye",
        "email",
    )
    assert [step.key for step in result.steps].index("goodbye:4") < [s.key for s in result.steps].index(
        "goodbye:17"
    )


def test_a_done_step_left_out_by_new_facts_is_kept_with_its_title():
    playbook = default_playbooks()["i-am-ending"]
    done = {"introduce-successor": date(2026, 6, 20)}
    assert not plan(facts(reason="retiring", done=done), playbook, BEFORE).step("introduce-successor").kept
    kept = plan(facts(reason="fit", done=done), playbook, BEFORE).step("introduce-successor")
    assert (
        kept.kept and kept.title == "Introduce your successor on a joint call" and kept.channel == "meeting"
    )


def test_a_done_step_unknown_to_the_playbook_is_kept_under_its_key(house: Playbook):
    kept = plan(facts(done={"old-step": date(2026, 5, 2)}), house, BEFORE).step("old-step")
    assert (kept.title, kept.kept, kept.status, kept.channel) == ("old-step", True, "done", "task")


def test_a_step_done_before_contacts_were_added_is_kept(house: Playbook):
    result = plan(facts(contacts=(DANA,), done={"goodbye": END}), house, BEFORE)
    assert result.step("goodbye").kept and result.step("goodbye").title == "Say goodbye to each contact"
    assert result.step("goodbye:17").status == "locked"


# --- statuses and warnings -----------------------------------------------------------------------------


def test_statuses_as_of_today(house: Playbook):
    ready = facts(done={"call": NOTICE}, passed_checks=frozenset({"readiness"}))
    result = plan(ready, house, today=END)
    assert {step.key: step.status for step in result.steps} == {
        "prep": "overdue",
        "call": "done",
        "goodbye": "today",
        "feedback": "upcoming",
        "check-in": "locked",
    }
    [warning] = [w for w in result.warnings if w.code == "overdue"]
    assert warning.message == (
        '1 step is overdue: "Prepare" (due Thursday 28 May 2026). Do it, or move it to a date you can keep.'
    )


def test_the_overdue_warning_names_a_few_and_counts_the_rest():
    told = facts(reason="fit", done={"call-the-client": NOTICE}, passed_checks=frozenset({"readiness"}))
    result = plan(told, default_playbooks()["i-am-ending"], today=date(2026, 12, 1))
    [warning] = [w for w in result.warnings if w.code == "overdue"]
    assert warning.message == (
        '5 steps are overdue: "Prepare what you will say" (due Thursday 28 May 2026), "Confirm the notice in '
        'writing" (due Monday 1 June 2026), "Draw up the handover plan" (due Monday 8 June 2026) and 2 more. '
        "Do them, or move them to a date you can keep."
    )
    assert [w.code for w in result.warnings] == ["notice-in-past", "overdue"]


def test_warnings_come_in_a_fixed_order(house: Playbook):
    wrong = ExitFacts(
        notice_date=NOTICE, end_date=date(2026, 5, 29), contacts=(DANA,), moved={"goodbye:17": BEFORE}
    )
    codes = [w.code for w in plan(wrong, house, today=date(2026, 6, 10)).warnings]
    assert codes == [
        "end-before-notice",
        "notice-too-short",
        "notice-in-past",
        "moved-before-gate",
        "overdue",
    ]


# --- conditions ----------------------------------------------------------------------------------------


def test_conditions_add_steps():
    playbook = default_playbooks()["i-am-ending"]
    assert "introduce-successor" in dues(plan(facts(reason="retiring"), playbook, BEFORE))
    assert "introduce-successor" not in dues(plan(facts(reason="fit"), playbook, BEFORE))
    assert "cost-of-change" in dues(plan(facts(money_affected=True), playbook, BEFORE))
    assert "cost-of-change" not in dues(plan(facts(), playbook, BEFORE))


# --- the values ----------------------------------------------------------------------------------------


def test_to_dict_is_plain_json(house: Playbook):
    result = plan(facts(contacts=(DANA,), done={"call": NOTICE}, moved={"prep": BEFORE}), house, BEFORE)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"playbook", "notice_days", "required_notice_days", "steps", "warnings"}
    goodbye = next(step for step in data["steps"] if step["id"] == "goodbye:17")
    assert goodbye == {
        "id": "goodbye:17",
        "step_id": "goodbye",
        "title": "Say goodbye to Dana Reyes",
        "why": "One by one.",
        "channel": "email",
        "phase": "goodbye",
        "due": "2026-07-31",
        "message_kind": "goodbye",
        "gates": ["readiness", "call"],
        "closed_gates": ["readiness"],
        "status": "locked",
        "contact": {"key": "17", "name": "Dana Reyes"},
        "talking_points": [],
        "done_on": None,
        "moved": False,
        "kept": False,
    }
    call = next(step for step in data["steps"] if step["id"] == "call")
    assert (call["done_on"], call["talking_points"], call["message_kind"]) == (
        "2026-06-01",
        ["Thank them"],
        None,
    )
    assert next(step for step in data["steps"] if step["id"] == "prep")["moved"] is True
    short = plan(facts(contract_notice_days=90), house, BEFORE).to_dict()["warnings"]
    assert (
        short[0]["code"] == "notice-too-short" and short[0]["earliest_fair_end"] == "2026-08-31"
    )  # Sunday 30 Aug: the Monday


def test_plan_step_raises_key_error_for_an_unknown_key(house: Playbook):
    with pytest.raises(KeyError):
        plan(facts(), house, BEFORE).step("nope")


@pytest.mark.parametrize(
    ("initiated_by", "reason", "money", "sour", "expected"),
    [
        ("me", "conflict", False, True, "sour"),
        ("client", "client-decision", True, True, "sour"),
        ("client", "fee-change", True, False, "client-ended"),
        ("me", "fit", True, False, "i-am-ending"),  # an ending, with the longer notice
        ("mutual", "fee-change", False, False, "money-change"),
        ("me", "management-change", False, False, "money-change"),
        ("mutual", "project-complete", False, False, "project-complete"),
        ("me", "retiring", False, False, "i-am-ending"),
        ("me", "other", False, False, "i-am-ending"),
    ],
)
def test_choose_playbook_id(initiated_by: str, reason: str, money: bool, sour: bool, expected: str):
    assert choose_playbook_id(initiated_by, reason, money, sour) == expected
    assert expected in SITUATIONS


def test_the_choice_says_why():
    from goodterms.playbook import choose_playbook

    ending = choose_playbook("me", "capacity", True, False)
    assert ending.playbook_id == "i-am-ending" and "longer notice" in ending.why
    assert "carry on or part ways" in choose_playbook("me", "fee-change", True, False).why


def test_facts_outside_the_closed_sets_are_refused(house: Playbook):
    with pytest.raises(ValueError, match="unknown initiated_by 'boss'; allowed: me, client, mutual"):
        plan(facts(initiated_by="boss"), house, BEFORE)
    with pytest.raises(ValueError, match="unknown reason 'bored'"):
        plan(facts(reason="bored"), house, BEFORE)
    with pytest.raises(UnknownCountry, match="'ZZ'"):
        plan(facts(country="ZZ"), house, BEFORE)


def test_preparation_is_never_due_before_the_day_the_exit_was_planned():
    book = default_playbooks()["i-am-ending"]
    unplanned = plan(facts(), book, NOTICE)
    prepare = [s for s in unplanned.steps if s.phase == "prepare"]
    assert prepare and all(s.due < NOTICE and s.status == "overdue" for s in prepare)

    planned = plan(facts(planned_on=NOTICE), book, NOTICE)
    assert [s.due for s in planned.steps if s.phase == "prepare"] == [NOTICE] * len(prepare)
    assert all(s.status != "overdue" for s in planned.steps)
    assert not [w for w in planned.warnings if w.code == "overdue"]
    # Only preparation moves: the call stays on the notice day, whatever day the plan was made.
    late = plan(facts(planned_on=date(2026, 6, 10)), book, date(2026, 6, 10))
    call = late.step("call-the-client")
    assert call.due == NOTICE and call.status == "overdue"
