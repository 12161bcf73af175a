"""How often one client address and one link may ask for the survey page: over the limit, 429 and nothing
is written.

A GET writes nothing, not even a counter (a link scanner or a crawler must change no row), so every request
is counted in this process's memory, per address and per link (the link by its token's hash, so no part
of a token is kept). A POST also takes a slot with `accounts.ratelimit.take()`, the atomic UPDATE shared
by every process, before anything else is done.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

from goodterms.accounts import ratelimit
from goodterms.common.clientaddr import client_ip
from goodterms.survey.links import token_hash

WINDOW_SECONDS = 60.0
_seen: defaultdict[str, deque[float]] = defaultdict(deque)
_lock = threading.Lock()


def _count(key: str, limit: int, now: float) -> bool:
    seen = _seen[key]
    while seen and now - seen[0] > WINDOW_SECONDS:
        seen.popleft()
    if len(seen) >= limit:
        return False
    seen.append(now)
    return True


def allowed(request: HttpRequest, token: str) -> bool:
    """Count this request for its address and its link; False when either is over its limit."""
    ip = client_ip(request)
    link = token_hash(token)[:16]
    now = time.monotonic()
    with _lock:
        if len(_seen) > 20_000:  # a flood of addresses must not grow memory for ever
            _seen.clear()
        ok = _count(f"ip:{ip}", settings.SURVEY_REQUESTS_PER_ADDRESS, now) and _count(
            f"link:{link}", settings.SURVEY_REQUESTS_PER_LINK, now
        )
    if not ok or request.method not in ("POST",):
        return ok
    window = timedelta(seconds=WINDOW_SECONDS)
    return ratelimit.take(f"survey:ip:{ip}", settings.SURVEY_REQUESTS_PER_ADDRESS, window=window) and (
        ratelimit.take(f"survey:link:{link}", settings.SURVEY_REQUESTS_PER_LINK, window=window)
    )


def forget() -> None:
    """Tests start from no count."""
    with _lock:
        _seen.clear()
