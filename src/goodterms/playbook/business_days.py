"""Business days: weekends, and a country's public holidays when the organization sets its country.

The `holidays` package is imported on first use and each country's holidays are read once per year and
kept, so that planning a thousand exits costs a few set lookups per step, not a holiday calculation.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from goodterms.lib.dates import describe_day
from goodterms.playbook.model import UNITS

__all__ = [
    "UnknownCountry",
    "add_days",
    "country_code",
    "describe_day",
    "is_business_day",
    "next_business_day",
]

_ONE_DAY = timedelta(days=1)


class UnknownCountry(ValueError):
    """A country code the holidays package does not know, so its public holidays cannot be skipped."""

    def __init__(self, country: str) -> None:
        self.country = country
        super().__init__(
            f"unknown country {country!r}: give an ISO 3166 country code such as GB, US or DE "
            "(or none, to skip weekends only)"
        )


@cache
def _supported() -> frozenset[str]:
    import holidays

    return frozenset(holidays.list_supported_countries())


@cache
def country_code(country: str | None) -> str | None:
    """The code in the form the holidays package uses ("gb" -> "GB"); None or "" for no country."""
    if not country:
        return None
    code = country.strip().upper()
    if code not in _supported():
        raise UnknownCountry(country)
    return code


@cache
def _holidays(code: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(code, years=year))


def is_business_day(day: date, country: str | None = None) -> bool:
    """A weekday that is not a public holiday in `country` (weekends only when country is None)."""
    if day.weekday() >= 5:
        return False
    code = country_code(country)
    return code is None or day not in _holidays(code, day.year)


def next_business_day(day: date, country: str | None = None) -> date:
    """`day` itself when it is a business day, else the first one after it."""
    while not is_business_day(day, country):
        day += _ONE_DAY
    return day


def add_days(anchor: date, days: int, unit: str, country: str | None = None) -> date:
    """The day `days` away from `anchor` (negative = before), counting calendar days or business days.

    Counting business days lands on a business day: 0 business days from a Saturday is the Monday, and
    counting backwards steps over weekends and holidays the same way as counting forwards.
    """
    if unit == "calendar":
        return anchor + timedelta(days=days)
    if unit != "business":
        raise ValueError(f"unknown unit {unit!r}; allowed: {', '.join(UNITS)}")
    if days == 0:
        return next_business_day(anchor, country)
    step = _ONE_DAY if days > 0 else -_ONE_DAY
    day = anchor
    left = abs(days)
    while left:
        day += step
        if is_business_day(day, country):
            left -= 1
    return day
