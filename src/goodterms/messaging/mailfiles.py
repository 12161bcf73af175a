"""Mail written to files when no mail server is set (EMAIL_URL empty or file:///path): one `.eml` file per
message, exactly the bytes an SMTP server would have been given, so a mail app opens it and it can be
sent from one's own mailbox. (Django's file backend appends every message of a connection to one `.log`
file, with a line of dashes between them, which no mail app reads.)

Files are named `<UTC time>-<random>.eml`, created exclusively, so two workers never write the same file;
the data dir's umask makes them readable by their owner only.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as DjangoFileBackend

from goodterms.messaging.mail import OutgoingEmail

BACKEND = f"{__name__}.EmailBackend"


def _wire_bytes(message: EmailMessage) -> bytes:
    """goodterms' own messages carry the bytes built for the server (messaging/mail.py); others, Django's."""
    if isinstance(message, OutgoingEmail):
        return message.data
    data: bytes = message.message().as_bytes()
    return data


class EmailBackend(DjangoFileBackend):
    def open(self) -> bool:
        return False  # nothing to open: each message gets its own file (Django's would start a .log)

    def close(self) -> None:
        return None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            folder = Path(self.file_path)  # type: ignore[attr-defined]  # set by Django, not in its stubs
            path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
            with path.open("xb") as handle:
                handle.write(_wire_bytes(message))
            sent += 1
        return sent
