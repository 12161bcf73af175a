"""Business days: weekends always, a country's public holidays when one is set, counted both ways."""

from __future__ import annotations

from datetime import date

import pytest

from goodterms.playbook import UnknownCountry, add_days, describe_day, is_business_day, next_business_day

FRI, SAT, SUN, MON = date(2026, 6, 5), date(2026, 6, 6), date(2026, 6, 7), date(2026, 6, 8)


def test_weekends_are_not_business_days():
    assert is_business_day(FRI) and is_business_day(MON)
    assert not is_business_day(SAT) and not is_business_day(SUN)


def test_next_business_day_is_the_day_itself_when_it_is_one():
    assert next_business_day(FRI) == FRI
    assert next_business_day(SAT) == MON and next_business_day(SUN) == MON


@pytest.mark.parametrize(
    ("anchor", "days", "expected"),
    [
        (FRI, 1, MON),  # over the weekend
        (FRI, 0, FRI),
        (SAT, 0, MON),  # 0 business days from a weekend: the next business day
        (SUN, 1, MON),
        (MON, -1, FRI),  # backwards over the weekend
        (SAT, -1, FRI),
        (MON, 5, date(2026, 6, 15)),
        (MON, -10, date(2026, 5, 25)),
    ],
)
def test_business_days_skip_weekends_both_ways(anchor: date, days: int, expected: date):
    assert add_days(anchor, days, "business") == expected


def test_calendar_days_land_on_any_day():
    assert add_days(FRI, 1, "calendar") == SAT
    assert add_days(MON, -2, "calendar") == SAT
    assert add_days(SUN, 0, "calendar") == SUN


def test_an_unknown_unit_is_an_error():
    with pytest.raises(ValueError, match="unknown unit 'weeks'; allowed: business, calendar"):
        add_days(FRI, 1, "weeks")


def test_christmas_2026_in_great_britain():
    christmas, boxing_day, observed = date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 28)
    assert christmas.weekday() == 4  # a Friday
    assert boxing_day.weekday() == 5  # a Saturday, so the holiday is observed on Monday the 28th
    assert not is_business_day(christmas, "GB") and not is_business_day(observed, "GB")
    assert is_business_day(christmas) and is_business_day(observed)  # no country: weekends only
    assert next_business_day(christmas, "GB") == date(2026, 12, 29)
    assert add_days(date(2026, 12, 24), 1, "business", "GB") == date(2026, 12, 29)
    assert add_days(date(2026, 12, 29), -1, "business", "GB") == date(2026, 12, 24)
    # Across the new year: 1 January 2027 (a Friday) is a holiday too.
    assert add_days(date(2026, 12, 31), 1, "business", "GB") == date(2027, 1, 4)


def test_united_states_holidays():
    assert not is_business_day(date(2026, 11, 26), "US")  # Thanksgiving
    assert not is_business_day(date(2026, 7, 3), "US")  # 4 July 2026 is a Saturday: observed on Friday
    assert add_days(date(2026, 7, 2), 1, "business", "US") == date(2026, 7, 6)
    assert is_business_day(date(2026, 12, 28), "US")  # Boxing Day is not a US holiday


def test_country_codes_are_read_in_any_case_and_blank_means_none():
    assert not is_business_day(date(2026, 12, 25), "gb")
    assert is_business_day(date(2026, 12, 25), "")


def test_an_unknown_country_names_the_code():
    with pytest.raises(UnknownCountry, match=r"unknown country 'XX': give an ISO 3166 country code"):
        is_business_day(MON, "XX")
    with pytest.raises(ValueError, match="'Narnia'"):
        add_days(MON, 1, "business", "Narnia")


def test_describe_day_writes_the_date_out_in_english():
    assert describe_day(date(2026, 12, 25)) == "Friday 25 December 2026"
    assert describe_day(date(2027, 1, 4)) == "Monday 4 January 2027"
