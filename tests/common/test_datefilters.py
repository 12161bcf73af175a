"""The |day and |moment filters every template has: this year as the reader's today, their zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.template import engines
from django.utils import timezone


def render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_day_and_moment_without_a_load_tag():
    today = timezone.localdate()
    last_year = today.replace(year=today.year - 1, day=min(today.day, 28))
    text = render("{{ a|day }} / {{ b|day }} / {{ none|day }}", a=today, b=last_year, none=None)
    first, second, third = text.split(" / ")
    assert str(today.year) not in first
    assert second.endswith(str(last_year.year))
    assert third == ""


def test_moment_is_in_the_active_zone():
    at = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    with timezone.override("Asia/Tokyo"):
        text = render("{{ at|moment }}", at=at)
    assert text.endswith(", 21:00")
    assert render("{{ at|day }}", at=date(2031, 1, 1) + timedelta(days=0)) == "Wed 1 Jan 2031"
