"""How much notice an ending owes the client, and the warnings when the dates fall short.

Notice is counted in calendar days from the day the client is told to the last working day. When the
freelancer ends it, their policy sets the minimum, and a longer one applies when the change hits the
client's pocket; a notice period in the client's contract overrides both. When the client ends it, the
timing is theirs to choose, and nothing is required.
"""

from __future__ import annotations

from datetime import timedelta

from goodterms.lib.vocabulary import Initiator
from goodterms.playbook.business_days import country_code, describe_day, next_business_day
from goodterms.playbook.model import ExitFacts, PlanWarning

__all__ = ["days", "notice_warnings", "required_notice_days"]


def days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def required_notice_days(facts: ExitFacts) -> int | None:
    """The calendar days of notice owed, or None when the client initiated the ending."""
    if facts.initiated_by == Initiator.CLIENT:
        return None
    if facts.contract_notice_days is not None:
        return facts.contract_notice_days
    if facts.money_affected:
        return facts.policy.money_days
    return facts.policy.minimum_days


def _why_required(facts: ExitFacts, required: int) -> str:
    if facts.contract_notice_days is not None:
        return f"the client's contract asks for {days(required)} of notice"
    if facts.money_affected:
        return (
            f"your policy asks for {days(required)} when the change affects the client's money, "
            "so that they have time to budget and plan"
        )
    return f"your policy asks for at least {days(required)}"


def _in_country(country: str | None) -> str:
    return f" in {country.strip().upper()}" if country else ""


def notice_warnings(facts: ExitFacts) -> list[PlanWarning]:
    """end-before-notice and notice-too-short, in that order, for the dates in `facts`."""
    found: list[PlanWarning] = []
    notice, end = facts.notice_date, facts.end_date
    given = (end - notice).days
    if given < 0:
        found.append(
            PlanWarning(
                code="end-before-notice",
                message=f"The last working day ({describe_day(end)}) comes before the day the client is "
                f"told ({describe_day(notice)}). Check the two dates: the last day should follow the notice.",
            )
        )
    required = required_notice_days(facts)
    if required is not None and given < required:
        # The last working day has to be one: a fair end that falls on a weekend or a public holiday of the
        # organization's country moves to the next business day.
        counted = notice + timedelta(days=required)
        fair = next_business_day(counted, country_code(facts.country))
        if fair == counted:
            earliest = f"{describe_day(fair)}, {days(required)} after the notice (calendar days)"
        else:
            earliest = (
                f"{describe_day(fair)}: {days(required)} after the notice is {describe_day(counted)}, not a "
                f"working day{_in_country(facts.country)}, so the next working day"
            )
        gives = f"gives the client {days(given)}" if given > 0 else "gives the client no time at all"
        found.append(
            PlanWarning(
                code="notice-too-short",
                message=f"The notice {gives} (told {describe_day(notice)}, last day {describe_day(end)}), "
                f"but {_why_required(facts, required)}. The earliest fair last day is {earliest}. Move the "
                "last day there if you can, or agree the shorter notice with the client in the call.",
                earliest_fair_end=fair,
            )
        )
    return found
