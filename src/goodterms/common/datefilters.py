"""The `day` and `moment` template filters, on every page (a builtin in settings.TEMPLATES): the one date
style of goodterms.lib.dates, with "this year" as the reader's today."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from goodterms.lib import dates

register = template.Library()


@register.filter
def day(value: date | datetime | None) -> str:
    """{{ step.due|day }} → 'Fri 9 Jan', or 'Fri 10 Jan 2025' when not this year."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dates.day(value, today=timezone.localdate())


@register.filter
def moment(value: datetime | None) -> str:
    """{{ event.at|moment }} → 'Fri 9 Jan, 14:05' in the reader's zone (with the year when not this year)."""
    if value is None or value == "":
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return dates.moment(local, today=timezone.localdate())
