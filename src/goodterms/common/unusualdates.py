"""A date in the past or far in the future is kept only once the user confirms it.

A typo in a year ("2062" for "2026", a client "since 2031") passes every format check and then misleads the
plan for months. Forms that take such dates call `confirm_unusual_dates()` from their clean(): the first
save is refused with the field named and the reason, and a "Yes, these dates are right" box appears; saving
again with it ticked keeps the dates as typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from goodterms.lib.dates import describe_day

__all__ = ["add_confirm_field", "confirm_unusual_dates", "describe_day", "far_ahead", "past", "today"]

CONFIRM_FIELD = "dates_confirmed"
FAR_AHEAD = timedelta(days=2 * 365)


def add_confirm_field(form: forms.BaseForm) -> None:
    """The confirmation box, hidden until a date needs it (a form calls this in __init__)."""
    form.fields[CONFIRM_FIELD] = forms.BooleanField(
        required=False, label="Yes, these dates are right", widget=forms.HiddenInput
    )


def past(day: date | None, today: date) -> bool:
    return day is not None and day < today


def far_ahead(day: date | None, today: date) -> bool:
    return day is not None and day > today + FAR_AHEAD


def confirm_unusual_dates(form: forms.BaseForm, problems: Iterable[tuple[str, str]]) -> None:
    """`problems`: (field, why) for each date that needs a second look. Unless confirmed, each becomes the
    field's error and the confirmation box is shown."""
    found = list(problems)
    data: dict[str, Any] = form.cleaned_data
    if not found or data.get(CONFIRM_FIELD):
        return
    for name, why in found:
        form.add_error(name, f"{why} If that is right, tick “Yes, these dates are right” and save again.")
    field = form.fields[CONFIRM_FIELD]
    field.widget = forms.CheckboxInput()


def in_the_past(label: str, day: date) -> str:
    return f"{label} is in the past ({describe_day(day)})."


def far_in_the_future(label: str, day: date) -> str:
    return f"{label} is more than two years ahead ({describe_day(day)})."


def today() -> date:
    return timezone.localdate()
