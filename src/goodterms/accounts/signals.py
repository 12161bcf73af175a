"""What the accounts app announces to the apps above it, which it must not import.

An exit's plan depends on the organization's notice rules and holiday country; the exits app listens
(exits/apps.py) and plans its running exits again in the same transaction as the change.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `organization` after its notice rules or holiday country changed.
planning_rules_changed = Signal()
