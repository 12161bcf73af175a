"""How goodterms writes a date: one style, weekday, day, month, and the year whenever it is not this year.

    >>> from datetime import date
    >>> day(date(2026, 1, 9), today=date(2026, 12, 2)), day(date(2025, 1, 10), today=date(2026, 12, 2))
    ('Fri 9 Jan', 'Fri 10 Jan 2025')
    >>> describe_day(date(2026, 12, 25))
    'Friday 25 December 2026'

Lists and tables use `day()` (short names; the pages show it through the `day` and `moment` template
filters). Sentences that are kept or sent (the exit's record, warnings, letters to clients) use
`describe_day()`, which always has the year: a record read next year must still say which year it meant.
Plain Python, and in English whatever the locale, like the rest of goodterms' words.
"""

from __future__ import annotations

from datetime import date, datetime, time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day(value: date, *, today: date) -> str:
    """'Fri 9 Jan', or 'Fri 10 Jan 2025' when the day is not in today's year."""
    text = f"{WEEKDAYS[value.weekday()][:3]} {value.day} {MONTHS[value.month - 1][:3]}"
    return text if value.year == today.year else f"{text} {value.year}"


def clock(value: time | datetime) -> str:
    """'14:05': the 24-hour clock, as the time fields show it."""
    return f"{value.hour:02d}:{value.minute:02d}"


def moment(value: datetime, *, today: date) -> str:
    """'Fri 9 Jan, 14:05' (with the year when not this year), for a time already in the reader's zone."""
    return f"{day(value.date(), today=today)}, {clock(value)}"


def describe_day(value: date) -> str:
    """'Friday 25 December 2026': for sentences that are kept or sent, so always with the year."""
    return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"


def describe_moment(value: datetime) -> str:
    """'Friday 25 December 2026 at 14:05', for a time already in the reader's zone."""
    return f"{describe_day(value.date())} at {clock(value)}"
