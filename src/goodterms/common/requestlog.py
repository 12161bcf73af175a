"""A request id for every request, kept where the security log (accounts/securitylog.py) can read it.

The id is new for each request, or the one a trusted proxy sent in X-Request-ID (nginx's $request_id),
so a line of the proxy's log and a line of goodterms' log can be matched. It is sent back in X-Request-ID.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from goodterms.common.clientaddr import from_trusted_proxy

_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
current_request: ContextVar[HttpRequest | None] = ContextVar("goodterms_request", default=None)


def request_id(request: HttpRequest) -> str:
    given = request.headers.get("X-Request-ID", "")
    if given and _SAFE_ID.fullmatch(given) and from_trusted_proxy(request):
        return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id(request)  # type: ignore[attr-defined]
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response
