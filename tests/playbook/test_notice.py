"""Notice owed: 30 days, 60 when money is affected, the contract's if set; none when the client ends it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from goodterms.playbook import (
    ExitFacts,
    NoticePolicy,
    PlanWarning,
    default_playbooks,
    plan,
    required_notice_days,
)

NOTICE = date(2026, 6, 1)  # a Monday
TODAY = date(2026, 5, 1)


def facts(days: int, **given: Any) -> ExitFacts:
    return ExitFacts(notice_date=NOTICE, end_date=NOTICE + timedelta(days=days), **given)


def warnings(exit_facts: ExitFacts, playbook: str = "i-am-ending") -> dict[str, PlanWarning]:
    result = plan(exit_facts, default_playbooks()[playbook], TODAY)
    return {warning.code: warning for warning in result.warnings}


@pytest.mark.parametrize(
    ("given", "required"),
    [
        ({}, 30),
        ({"money_affected": True}, 60),
        ({"contract_notice_days": 90}, 90),
        ({"contract_notice_days": 14, "money_affected": True}, 14),  # the contract overrides the policy
        ({"policy": NoticePolicy(minimum_days=45, money_days=75)}, 45),
        ({"policy": NoticePolicy(minimum_days=45, money_days=75), "money_affected": True}, 75),
        ({"initiated_by": "mutual"}, 30),
        ({"initiated_by": "client"}, None),
        ({"initiated_by": "client", "contract_notice_days": 90, "money_affected": True}, None),
    ],
)
def test_required_notice_days(given: dict[str, Any], required: int | None):
    assert required_notice_days(facts(10, **given)) == required


def test_enough_notice_gives_no_warning():
    assert "notice-too-short" not in warnings(facts(30))
    result = plan(facts(30), default_playbooks()["i-am-ending"], TODAY)
    assert (result.notice_days, result.required_notice_days) == (30, 30)


def test_too_short_notice_says_how_short_and_the_earliest_fair_end():
    warning = warnings(facts(20))["notice-too-short"]
    assert warning.earliest_fair_end == date(2026, 7, 1)
    assert warning.message == (
        "The notice gives the client 20 days (told Monday 1 June 2026, last day Sunday 21 June 2026), "
        "but your policy asks for at least 30 days. The earliest fair last day is Wednesday 1 July 2026, "
        "30 days after the notice (calendar days). Move the last day there if you can, or agree the "
        "shorter notice with the client in the call."
    )


def test_money_affected_asks_for_more_and_says_why():
    warning = warnings(facts(45, money_affected=True), "money-change")["notice-too-short"]
    assert "45 days" in warning.message
    assert "your policy asks for 60 days when the change affects the client's money" in warning.message
    assert warning.earliest_fair_end == NOTICE + timedelta(days=60)


def test_the_contract_is_named_when_it_sets_the_notice():
    warning = warnings(facts(60, contract_notice_days=90))["notice-too-short"]
    assert "the client's contract asks for 90 days of notice" in warning.message
    # 90 calendar days after the notice is Sunday 30 August: the last working day is the Monday after.
    assert warning.earliest_fair_end == date(2026, 8, 31)
    assert "Sunday 30 August 2026, not a working day, so the next working day" in warning.message


@pytest.mark.parametrize(
    ("country", "notice", "fair", "why"),
    [
        # 30 days after Thu 3 Dec 2026 is Saturday 2 January 2027; GB and the US take Fri 1 Jan off, not
        # Monday 4 Jan, so the fair day is the Monday in both.
        ("GB", date(2026, 12, 3), date(2027, 1, 4), "Saturday 2 January 2027, not a working day in GB"),
        ("US", date(2026, 12, 3), date(2027, 1, 4), "Saturday 2 January 2027, not a working day in US"),
        # 30 days after Wed 25 Nov 2026 is Christmas Day, a Friday. GB also takes Monday 28 December off
        # (Boxing Day observed), so its fair day is Tuesday 29; the US works that Monday.
        ("GB", date(2026, 11, 25), date(2026, 12, 29), "Friday 25 December 2026, not a working day in GB"),
        ("US", date(2026, 11, 25), date(2026, 12, 28), "Friday 25 December 2026, not a working day in US"),
        # Memorial Day, Monday 25 May 2026: 30 days after Fri 24 Apr is Sunday 24 May, so Tuesday 26 May.
        ("US", date(2026, 4, 24), date(2026, 5, 26), "Sunday 24 May 2026, not a working day in US"),
    ],
)
def test_the_earliest_fair_last_day_is_a_business_day_in_the_country(country, notice, fair, why):
    exit_facts = ExitFacts(notice_date=notice, end_date=notice + timedelta(days=10), country=country)
    warning = warnings(exit_facts)["notice-too-short"]
    assert warning.earliest_fair_end == fair
    assert fair.weekday() < 5
    assert why in warning.message
    assert f"The earliest fair last day is {fair:%A} {fair.day} {fair:%B %Y}:" in warning.message


def test_a_fair_last_day_on_a_working_day_is_not_moved():
    warning = warnings(facts(10))["notice-too-short"]  # 30 days after Monday 1 June: Wednesday 1 July
    assert warning.earliest_fair_end == date(2026, 7, 1)
    assert "Wednesday 1 July 2026, 30 days after the notice (calendar days)." in warning.message


def test_no_notice_warning_when_the_client_ends_it():
    assert not {"notice-too-short", "notice-in-past"} & set(warnings(facts(3, initiated_by="client")))


def test_an_end_before_the_notice():
    found = warnings(facts(-3))
    assert found["end-before-notice"].message == (
        "The last working day (Friday 29 May 2026) comes before the day the client is told (Monday 1 June "
        "2026). Check the two dates: the last day should follow the notice."
    )
    assert "no time at all" in found["notice-too-short"].message


def test_a_notice_date_in_the_past_with_the_call_not_done():
    exit_facts = facts(60)
    late = plan(exit_facts, default_playbooks()["i-am-ending"], today=date(2026, 6, 3))
    [warning] = [w for w in late.warnings if w.code == "notice-in-past"]
    assert warning.message == (
        'The notice date, Monday 1 June 2026, has passed, but "Call the client to tell them" and '
        '"Confirm the notice in writing" are not marked done. If you have told the client, mark them '
        "done; if not, tell them soon and check that the last day still gives them fair notice."
    )
    told = ExitFacts(
        notice_date=NOTICE,
        end_date=NOTICE + timedelta(days=60),
        done={"call-the-client": NOTICE, "written-notice": NOTICE},
    )
    assert "notice-in-past" not in {
        w.code for w in plan(told, default_playbooks()["i-am-ending"], date(2026, 6, 3)).warnings
    }
    on_the_day = plan(exit_facts, default_playbooks()["i-am-ending"], today=NOTICE)
    assert "notice-in-past" not in {w.code for w in on_the_day.warnings}
