"""One date style: weekday, day, month, and the year whenever it is not this year (always, in sentences)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from goodterms.lib import dates

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (date(2026, 1, 9), "Fri 9 Jan"),
        (date(2026, 12, 31), "Thu 31 Dec"),
        (date(2025, 1, 10), "Fri 10 Jan 2025"),
        (date(2027, 1, 8), "Fri 8 Jan 2027"),
    ],
)
def test_day_shows_the_year_only_when_it_is_not_this_year(day, written):
    assert dates.day(day, today=TODAY) == written


def test_moment_and_sentences():
    assert dates.moment(datetime(2027, 3, 1, 9, 5, tzinfo=UTC), today=TODAY) == "Mon 1 Mar 2027, 09:05"
    assert dates.moment(datetime(2026, 3, 1, 17, 45, tzinfo=UTC), today=TODAY) == "Sun 1 Mar, 17:45"
    assert dates.describe_day(date(2026, 12, 25)) == "Friday 25 December 2026"
    christmas = datetime(2026, 12, 25, 14, 0, tzinfo=UTC)
    assert dates.describe_moment(christmas) == "Friday 25 December 2026 at 14:00"
