"""The headers every response carries: a Content-Security-Policy, a Referrer-Policy, and no-store on every
page but static files.

The policy allows scripts, styles, images and connections from this site only, and no inline script or
style: the templates use `<script src>` and a stylesheet, never `onclick=` or `style=`
(tests/common/test_headers.py checks each page of the isolation crawl). Pages are not cached anywhere:
signed-in pages and downloads hold clients' names, and token pages (invitations, password resets, the
calendar feed) hold a secret; static files, cache-busted by their names, are the exception.

The Referrer-Policy is `no-referrer` on every response: nothing is sent to another site, and not even this
site (or its proxy's access log, when a page loads its styles and scripts) sees a page's URL, so a token in
one (a password reset, an invitation, the survey, the calendar feed) stays in the address bar. Browsers then
post forms with `Origin: null`; common/csrf.py checks those by `Sec-Fetch-Site` instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
NO_STORE = "no-store, private, max-age=0"
NO_REFERRER = "no-referrer"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response["Referrer-Policy"] = NO_REFERRER
        if not request.path.startswith(settings.STATIC_URL or "/static/"):
            response["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response
