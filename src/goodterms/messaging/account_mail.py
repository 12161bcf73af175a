"""Mail to the users of goodterms (a password reset, an invitation), sent through the outbox's transport.

The accounts app cannot import this one (the layers), so it sends `accounts.signals.account_mail` and this
module's receiver, connected in messaging/apps.py, delivers it. An account email is not a client message:
it has no exit, no contact and no tone check, and it is not stored (its text holds a link's token, which the
database keeps only hashed). It is written like every message (mail.compose: IDNA 2008 domains, one
recipient, no header breaks) and sent at once through `outbox.send_now` (one place talks to the mail
server), and the caller learns whether the mail server took it: the invitation page then shows the link to
copy, and a failed password reset email is logged, to be asked for again.
"""

from __future__ import annotations

import logging
from typing import Any

from goodterms.messaging import mail, outbox

log = logging.getLogger("goodterms.outbox")


def send_account_mail(sender: Any, *, to: str, subject: str, text: str, **_: Any) -> bool:
    """The receiver of `account_mail`: True when the mail server took the message."""
    try:
        outbox.send_now(mail.compose(to_name="", to_email=to, subject=subject, body=text))
    except (mail.NotSendable, outbox.SendFailure) as failure:
        text_of = failure.message if isinstance(failure, mail.NotSendable) else failure.text
        log.warning("outbox: an account email could not be sent: %s", text_of)
        return False
    except (OSError, UnicodeError, ValueError) as error:  # an address the mail backend cannot encode
        log.warning("outbox: an account email could not be sent: %s: %s", type(error).__name__, error)
        return False
    return True
