"""What every signed-in page shows: a banner when the background worker has stopped."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from goodterms.accounts import selectors


def worker_status(request: HttpRequest) -> dict[str, Any]:
    """`worker_silent_since`: when the worker was last seen, if it has been silent too long. One small
    query, on signed-in pages only (the public ones have nothing to say about it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"worker_silent_since": selectors.worker_silent_since()}
