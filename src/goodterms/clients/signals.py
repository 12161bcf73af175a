"""What the clients app announces to the apps above it, which it must not import.

An exit's plan names each contact of its client and counts the notice the client's contract asks for; the
exits app listens (exits/apps.py) and plans that client's running exit again, in the same transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `organization` and `client_ids` after contacts were added, changed or removed, or a client's
# contract notice changed.
client_facts_changed = Signal()

# Sent with `organization` and `contact` just before a contact is deleted (forgotten), in the same
# transaction: the apps above remove that person's personal data from what they keep (messaging/erasure.py
# cancels the unsent messages and clears drafts and events; the exits app clears the plan's steps).
contact_forgetting = Signal()

# Sent with `organization` and `contact` to gather everything kept about one person for its export; each
# receiver returns a dict of plain values (JSON), keyed by what it is ("messages", "steps").
contact_data_requested = Signal()
