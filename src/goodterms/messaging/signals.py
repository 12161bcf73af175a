"""What the messaging app announces to the apps above it, which it must not import.

`message_leaving`: the outbox is about to build the email of a queued message. It is sent with `message`
(the row, read from the database) in the worker, outside any transaction; a receiver may return the body
the email should carry instead of the stored one. The stored message is never changed: the survey app
(survey/apps.py) puts a freshly made private link where the draft holds the survey link's placeholder, so
the link exists only in the email itself, and the database keeps only its hash.

`messages_went_out`: a message that reached its person (sent by the outbox, from the user's mailbox, or a
call instead) is a contact with them: the aftercare app listens (aftercare/apps.py) and counts it towards
keeping in touch after the end. The receiver runs in the sender's transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

message_leaving = Signal()

# Sent with `organization` and `message_ids` (messages of that organization now sent, sent by hand or
# called), after their state was written.
messages_went_out = Signal()
