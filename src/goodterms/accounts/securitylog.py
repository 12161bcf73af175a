"""The security log: one JSON line per event on the `goodterms.security` logger, and, for an organization's
events that a POST (or the worker) caused, a row its owner reads on the Security page.

Each line has the event, the request id, the acting user and organization (ids), the client's address and
the event's own details: ids, emails of accounts, counts, never a password, a token or a message body
(`security_event` refuses such a detail by name, and tests/accounts/test_securitylog.py greps every log).
A GET writes nothing, not even here (docs/development.md): events that a page view causes (an export, a
404 on another organization's id, a burst of wrong tokens) are in the log only.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict, deque
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from goodterms.accounts.models import Organization, SecurityLogEntry, User
from goodterms.accounts.orgscope import scoped
from goodterms.common.clientaddr import client_ip
from goodterms.common.requestlog import current_request
from goodterms.lib.vocabulary import SecurityEvent

log = logging.getLogger("goodterms.security")

# Details that must never be logged, by name: a caller that tries gets a ValueError in the tests.
FORBIDDEN_DETAILS = ("password", "token", "body", "secret", "subject", "url", "link")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def _check_details(details: dict[str, Any]) -> None:
    for name, value in details.items():
        if any(word in name.lower() for word in FORBIDDEN_DETAILS):
            raise ValueError(f"the security log never records a {name!r}")
        if not isinstance(value, str | int | bool | None):
            raise ValueError(f"security log details are plain values, not {type(value).__name__} ({name})")


def security_event(
    event: SecurityEvent,
    *,
    org: Organization | None = None,
    request: HttpRequest | None = None,
    actor: User | None = None,
    **details: Any,
) -> None:
    """Log `event` with the request's id, user, organization and address, and `details`."""
    _check_details(details)
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if org is None:
        org = getattr(request, "org", None) if request is not None else None
        if org is None and actor is not None:
            org = actor.organization
    ip = client_ip(request) if request is not None else None
    request_id = getattr(request, "request_id", "") if request is not None else ""
    line = {
        "event": str(event),
        "at": timezone.now().isoformat(timespec="seconds"),
        "request_id": request_id,
        "user": actor.pk if actor is not None else None,
        "org": org.pk if org is not None else None,
        "ip": ip,
        **details,
    }
    log.info(json.dumps(line, sort_keys=False, default=str))
    writes_allowed = request is None or request.method not in SAFE_METHODS
    if org is not None and writes_allowed:
        scoped(SecurityLogEntry, org).create(
            event=str(event),
            request_id=request_id,
            actor=actor,
            ip=ip if ip and ip != "0.0.0.0" else None,  # noqa: S104
            details=details,
        )


# --- bursts of wrong tokens ---------------------------------------------------------------------------------

BAD_TOKEN_BURST = 10  # this many wrong tokens from one address within BAD_TOKEN_SECONDS make one line
BAD_TOKEN_SECONDS = 60.0
_bad_tokens: defaultdict[str, deque[float]] = defaultdict(deque)
_bad_tokens_lock = threading.Lock()


def bad_token(kind: str, request: HttpRequest) -> None:
    """A link with an unknown token was opened. Counted per address in this process, with no write (a GET
    writes nothing): every BAD_TOKEN_BURST-th within the window logs `token.burst`."""
    ip = client_ip(request)
    now = time.monotonic()
    with _bad_tokens_lock:
        seen = _bad_tokens[ip]
        while seen and now - seen[0] > BAD_TOKEN_SECONDS:
            seen.popleft()
        seen.append(now)
        burst = len(seen) >= BAD_TOKEN_BURST
        if burst:
            count = len(seen)
            seen.clear()
        if len(_bad_tokens) > 10_000:  # a flood of addresses must not grow memory for ever
            _bad_tokens.clear()
    if burst:
        security_event(SecurityEvent.BAD_TOKENS, request=request, kind=kind, count=count)


def forget_bad_tokens() -> None:
    """Tests start from no count."""
    with _bad_tokens_lock:
        _bad_tokens.clear()
