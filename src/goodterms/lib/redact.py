"""Secrets kept out of logs and out of shown settings: plain Python, for the access log and every logger.

A link's secret (an invitation, a password reset, a calendar feed) is a run of 40 or more URL-safe
characters; goodterms' own ids are numbers and its words are short, so nothing else is that long. A URL's
password (`postgres://user:secret@host`) is masked wherever a URL is shown.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
# A token as secrets.token_urlsafe(32) makes it: 43 characters. 40 and more are redacted, which leaves a
# request id (32 hexadecimal digits, as goodterms and nginx make them) readable.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,}")
# `scheme://user:password@` in any text: the password is replaced, the rest is kept to help the reader.
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]+)(?P<at>@)", re.I)


def redact_tokens(text: str) -> str:
    """`/invite/Abc…xyz/` becomes `/invite/[redacted]/`: a log line keeps its shape, never the secret."""
    return _TOKEN.sub(REDACTED, text)


def mask_url_password(text: str) -> str:
    """`postgres://app:s3cret@db/x` becomes `postgres://app:[redacted]@db/x`."""
    return _URL_PASSWORD.sub(lambda m: f"{m['head']}{REDACTED}{m['at']}", text)


def redact(text: str) -> str:
    return mask_url_password(redact_tokens(text))


class RedactFilter(logging.Filter):
    """A logging filter for every handler: the formatted message loses its tokens and URL passwords.

    Django logs "Not Found: /invite/<token>/" for a used invitation link; this is what keeps it out."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # The traceback is formatted by the handler; pre-format it here so it is redacted too.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
