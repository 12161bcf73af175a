"""What the messaging app announces to the apps above it, which it must not import.

`message_leaving`: the outbox is about to build the email of a queued message. It is sent with `message`
(the row, read from the database) in the worker, outside any transaction; a receiver may return the body
the email should carry instead of the stored one. The stored message is never changed: the survey app
(survey/apps.py) puts a freshly made private link where the draft holds the survey link's placeholder, so
the link exists only in the email itself, and the database keeps only its hash.
"""

from __future__ import annotations

from django.dispatch import Signal

message_leaving = Signal()
