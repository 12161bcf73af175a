"""The mail backend for EMAIL_URL=smtp://…: Django's SMTP backend, sending goodterms' own envelope.

Django's backend works the envelope out again from the headers, with Python's IDNA 2003 codec. This one
gives the server exactly the envelope goodterms built (mail.OutgoingEmail): RCPT TO is what the message's
history then says it was sent to, byte for byte. A local part that is not ASCII goes with SMTPUTF8, and is
refused, permanently and in words, by a server that does not offer it.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from goodterms.messaging.mail import OutgoingEmail


class SMTPUTF8Unsupported(smtplib.SMTPNotSupportedError):
    """The server does not offer SMTPUTF8, so an address with a non-ASCII local part cannot go through it."""


class EmailBackend(DjangoSMTPBackend):
    def _send(self, email_message: Any) -> bool:
        if not isinstance(email_message, OutgoingEmail):
            return bool(super()._send(email_message))  # type: ignore[misc]  # not in django-stubs
        assert self.connection is not None
        envelope = email_message.envelope
        options: list[str] = []
        if envelope.smtputf8:
            self.connection.ehlo_or_helo_if_needed()
            if not self.connection.has_extn("smtputf8"):
                raise SMTPUTF8Unsupported(
                    "The mail server does not accept addresses with letters outside ASCII before the @ (it "
                    f"does not offer SMTPUTF8), so {envelope.recipient} cannot be sent through it. Ask the "
                    "person for another address, or send it from your own mailbox."
                )
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        self.connection.sendmail(
            envelope.sender, [envelope.recipient], email_message.data, mail_options=options
        )
        return True
