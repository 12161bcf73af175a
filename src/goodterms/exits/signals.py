"""What the exits app announces to the apps above it, which it must not import.

A message is written for a step of the plan. When a step leaves the plan (the playbook was switched, or a
changed fact drops it), the messaging app listens (messaging/apps.py) and cancels that step's unsent
messages, so nothing goes out for a step the plan no longer has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.dispatch import Signal

# Sent with `organization`, `exit` and `step_ids` just before those undone steps are deleted, in the same
# transaction. Each receiver returns how many of its objects it changed (the messages cancelled).
steps_leaving_plan = Signal()

# Sent with `organization` and `exit` when an exit is cancelled, in the same transaction: the survey app
# revokes the exit's survey links (survey/apps.py), so nobody answers about an ending that is not happening.
exit_cancelled = Signal()

# Sent by the calendar feed with `organization`, `user` and `since` (a date): each receiver returns a list of
# FeedItem, the plain events an app above this one adds to the user's feed (aftercare's touchpoints).
feed_items_requested = Signal()


@dataclass(frozen=True)
class FeedItem:
    """An all-day event of another app in the calendar feed: `uid_part` is unique within that app."""

    uid_part: str
    day: date
    summary: str
    description: str
    url: str = ""
