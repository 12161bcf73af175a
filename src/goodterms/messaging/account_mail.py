"""Mail to the users of goodterms (a password reset, an invitation), sent through the outbox's transport.

The accounts app cannot import this one (the layers), so it sends `accounts.signals.account_mail` and this
module's receiver, connected in messaging/apps.py, delivers it. An account email is not a client message:
it has no exit, no contact and no tone check, and it is not stored (its text holds a link's token, which the
database keeps only hashed). It is sent at once, over the same connection code as every message
(`outbox._open`, `outbox._deliver`, `outbox._close`: one place talks to the mail server), and the caller
learns whether the mail server took it: the invitation page then shows the link to copy, and a failed
password reset email is logged, to be asked for again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from goodterms.lib import checks
from goodterms.messaging import outbox

log = logging.getLogger("goodterms.outbox")


def build(*, to: str, subject: str, text: str) -> EmailMessage:
    """One recipient, one line of subject: the same header rules as a client message."""
    for label, value in (("to", to), ("subject", subject)):
        char = checks.line_break(value)
        if char is not None:
            raise outbox.NotSendable(f"The {label} contains {checks.describe_character(char)}.", field=label)
    if any(c in to for c in outbox.LIST_CHARACTERS) or to.count("@") != 1:
        raise outbox.NotSendable("An account email goes to exactly one address.", field="to")
    return EmailMessage(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])


def send_account_mail(sender: Any, *, to: str, subject: str, text: str, **_: Any) -> bool:
    """The receiver of `account_mail`: True when the mail server took the message."""
    try:
        email = build(to=to, subject=subject, text=text)
        connection = get_connection(fail_silently=False)
        outbox._open(connection)
        try:
            outbox._deliver(connection, email)
        finally:
            outbox._close(connection)
    except (outbox.NotSendable, outbox.SendFailure) as failure:
        text_of = failure.message if isinstance(failure, outbox.NotSendable) else failure.text
        log.warning("outbox: an account email could not be sent: %s", text_of)
        return False
    except (OSError, UnicodeError, ValueError) as error:  # an address the mail backend cannot encode
        log.warning("outbox: an account email could not be sent: %s: %s", type(error).__name__, error)
        return False
    return True
