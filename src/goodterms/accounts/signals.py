"""What the accounts app announces to the apps above it, which it must not import.

An exit's plan depends on the organization's notice rules and holiday country; the exits app listens
(exits/apps.py) and plans its running exits again in the same transaction as the change. Mail to a user
(a password reset, an invitation) is sent by the messaging app, which listens (messaging/apps.py).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `organization` after its notice rules or holiday country changed.
planning_rules_changed = Signal()

# Sent with `to` (one address), `subject` and `text` for an email to a user of goodterms (a password reset,
# an invitation): not a client message, so it has no exit, contact or tone check. The messaging app sends it
# through its outbox (messaging/account_mail.py) and its receiver returns True once the mail server took it.
# Not stored anywhere: the text holds a link's token, which the database keeps only hashed.
account_mail = Signal()
