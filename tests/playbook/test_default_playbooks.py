"""The five shipped playbooks: valid, true to the house rules, and saying what the brief of each asks for."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from goodterms.lib.vocabulary import MessageKind
from goodterms.playbook import (
    CHECKS,
    MESSAGE_KINDS,
    PHASES,
    SITUATIONS,
    ExitFacts,
    Offset,
    Playbook,
    Step,
    default_playbooks,
    house_rule_problems,
    plan,
)
from goodterms.playbook.loading import load_playbooks, shipped_playbook_files

PLAYBOOKS = default_playbooks()


def steps(playbook_id: str) -> list[Step]:
    return list(PLAYBOOKS[playbook_id].steps)


def test_the_five_situations_are_shipped_and_load():
    assert [path.stem for path in shipped_playbook_files()] == sorted(SITUATIONS)
    assert set(PLAYBOOKS) == set(SITUATIONS)
    assert [p.id for p in load_playbooks(shipped_playbook_files())] == sorted(SITUATIONS)


def test_they_are_read_once_but_each_caller_gets_its_own_dict():
    again = default_playbooks()
    assert again is not PLAYBOOKS and again["sour"] is PLAYBOOKS["sour"]


@pytest.mark.parametrize("playbook_id", SITUATIONS)
def test_each_follows_the_house_rules(playbook_id: str):
    assert house_rule_problems(PLAYBOOKS[playbook_id]) == []


@pytest.mark.parametrize("playbook_id", SITUATIONS)
def test_each_has_every_phase_and_ends_with_goodbyes_feedback_and_aftercare(playbook_id: str):
    playbook = PLAYBOOKS[playbook_id]
    assert {step.phase for step in playbook.steps} == set(PHASES)
    assert any(s.per_contact and s.message_kind == "goodbye" and s.when.always for s in playbook.steps)
    assert any(s.message_kind == "feedback-request" and s.when.always for s in playbook.steps)
    assert any(s.phase == "aftercare" and s.when.always for s in playbook.steps)


@pytest.mark.parametrize("playbook_id", SITUATIONS)
def test_goodbyes_and_completion_wait_for_readiness_directly(playbook_id: str):
    for step in steps(playbook_id):
        if step.message_kind in ("goodbye", "completion"):
            assert "readiness" in step.gates, step.id


@pytest.mark.parametrize("playbook_id", SITUATIONS)
def test_every_call_and_meeting_has_three_to_five_short_talking_points(playbook_id: str):
    for step in steps(playbook_id):
        if step.channel in ("call", "meeting"):
            assert 3 <= len(step.talking_points) <= 5, step.id
            assert all(len(point) <= 80 and not point.endswith(".") for point in step.talking_points), step.id


@pytest.mark.parametrize("playbook_id", SITUATIONS)
def test_the_words_are_whole_sentences(playbook_id: str):
    playbook = PLAYBOOKS[playbook_id]
    assert playbook.description.endswith(".") and len(playbook.description) > 80
    for step in playbook.steps:
        assert step.why.endswith(".") and len(step.why) > 80, step.id
        assert not step.title.endswith(".") and step.title[0].isupper(), step.id


def test_together_they_draft_every_kind_of_message():
    used = {step.message_kind for playbook in PLAYBOOKS.values() for step in playbook.steps}
    # Every kind but the call script, which is what a call task is written from, not a step of its own.
    assert used - {None} == set(MESSAGE_KINDS) - {MessageKind.CALL_SCRIPT}


# Dates that stress the order: a long notice, a short one, an end before the notice, Christmas in GB.
DATES = [
    (date(2026, 6, 1), date(2026, 7, 31), None),
    (date(2026, 6, 5), date(2026, 6, 9), "US"),
    (date(2026, 6, 10), date(2026, 6, 3), None),
    (date(2026, 12, 24), date(2027, 1, 4), "GB"),
]


@pytest.mark.parametrize("playbook_id", SITUATIONS)
@pytest.mark.parametrize(("notice", "end", "country"), DATES)
def test_the_client_hears_it_in_a_conversation_before_any_email(
    playbook_id: str, notice: date, end: date, country: str | None
):
    for facts in (
        ExitFacts(notice_date=notice, end_date=end, country=country),
        ExitFacts(notice_date=notice, end_date=end, country=country, reason="retiring", money_affected=True),
    ):
        planned = plan(facts, PLAYBOOKS[playbook_id], today=notice - timedelta(days=30))
        reaching = [step for step in planned.steps if step.channel != "task"]
        assert reaching[0].channel in ("call", "meeting"), [s.key for s in reaching]


# --- what each playbook is for -------------------------------------------------------------------------


def by_kind(playbook_id: str, kind: str) -> list[Step]:
    return [step for step in steps(playbook_id) if step.message_kind == kind]


def conversations(playbook_id: str) -> set[str]:
    return {step.id for step in steps(playbook_id) if step.channel in ("call", "meeting")}


def test_project_complete():
    [completion] = by_kind("project-complete", "completion")
    assert "readiness" in completion.gates and set(completion.gates) & conversations("project-complete")
    assert by_kind("project-complete", "handover")
    [goodbye] = by_kind("project-complete", "goodbye")
    assert goodbye.per_contact and "readiness" in goodbye.gates
    assert set(goodbye.gates) & conversations("project-complete")
    check_ins = [s.due for s in by_kind("project-complete", "check-in")]
    # About a month and about three months after the end, on working days: no check-in lands on a Sunday.
    assert Offset(20, "business", "end") in check_ins and Offset(60, "business", "end") in check_ins
    [referral] = by_kind("project-complete", "referral-ask")
    assert referral.due == Offset(35, "business", "end") and referral.phase == "aftercare"


def test_i_am_ending():
    playbook = PLAYBOOKS["i-am-ending"]
    call = playbook.step("call-the-client")
    assert call.channel == "call" and call.due == Offset(0, "calendar", "notice")
    [notice] = by_kind("i-am-ending", "notice")
    assert notice.gates == ("call-the-client",) and notice.due == call.due
    assert by_kind("i-am-ending", "handover") and playbook.step("handover-plan").channel == "task"
    assert playbook.step("offer-referral").channel == "task"
    successor = playbook.step("introduce-successor")
    assert successor.when.reasons == frozenset({"retiring"})
    assert playbook.step("cost-of-change").when.money_affected is True
    assert by_kind("i-am-ending", "completion") and by_kind("i-am-ending", "feedback-request")


def test_money_change_gives_money_notice_and_time_for_questions():
    playbook = PLAYBOOKS["money-change"]
    [notice] = by_kind("money-change", "notice")
    assert set(notice.gates) & conversations("money-change")
    follow_up = playbook.step("follow-up-call")
    assert follow_up.channel == "call" and follow_up.due.anchor == "notice" and 5 <= follow_up.due.days <= 15
    assert playbook.step("answer-questions").phase == "notice"
    facts = ExitFacts(notice_date=date(2026, 6, 1), end_date=date(2026, 7, 15), money_affected=True)
    result = plan(facts, playbook, date(2026, 5, 1))
    assert result.required_notice_days == 60
    assert [w.code for w in result.warnings] == ["notice-too-short"]


def test_client_ended_replies_graciously_within_two_days():
    [reply] = by_kind("client-ended", "reply-to-termination")
    assert reply.due.anchor == "notice" and reply.due.unit == "business" and 1 <= reply.due.days <= 2
    assert reply.phase == "notice"
    facts = ExitFacts(notice_date=date(2026, 6, 1), end_date=date(2026, 6, 12), initiated_by="client")
    result = plan(facts, PLAYBOOKS["client-ended"], date(2026, 6, 20))
    assert result.required_notice_days is None
    assert not {"notice-too-short", "notice-in-past"} & {w.code for w in result.warnings}


def test_sour_closes_in_a_meeting_then_in_writing():
    playbook = PLAYBOOKS["sour"]
    closing = playbook.step("closing-meeting")
    assert closing.channel in ("meeting", "call") and closing.due.anchor == "notice"
    [written] = by_kind("sour", "sour-ending")
    assert written.gates == ("closing-meeting",)
    assert by_kind("sour", "handover") and by_kind("sour", "feedback-request")
    assert [s.message_kind for s in steps("sour") if s.phase == "aftercare"] == ["check-in"]


def test_checks_are_the_only_gates_that_are_not_steps():
    for playbook in PLAYBOOKS.values():
        ids = {step.id for step in playbook.steps}
        for step in playbook.steps:
            assert set(step.gates) <= ids | set(CHECKS)


def test_playbooks_are_frozen_values():
    playbook: Playbook = PLAYBOOKS["sour"]
    with pytest.raises(AttributeError):
        playbook.id = "other"  # type: ignore[misc]
