"""What the messaging app announces to the apps above it, which it must not import.

A message that reached its person (sent by the outbox, sent from the user's mailbox, or a call made instead)
is a contact with them: the aftercare app listens (aftercare/apps.py) and counts it towards keeping in
touch after the end. The receiver runs in the sender's transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `organization` and `message_ids` (messages of that organization now sent, sent by hand or
# called), after their state was written.
messages_went_out = Signal()
