"""The headers every response carries: a Content-Security-Policy, a Referrer-Policy, and no-store on every
page but static files.

The policy allows scripts, styles, images and connections from this site only, and no inline script or
style: the templates use `<script src>` and a stylesheet, never `onclick=` or `style=`
(tests/common/test_headers.py checks each page of the isolation crawl). Pages are not cached anywhere:
signed-in pages and downloads hold clients' names, and token pages (invitations, password resets, the
calendar feed) hold a secret; static files, cache-busted by their names, are the exception.

The Referrer-Policy is `same-origin` (nothing is sent to another site) and, on a page whose URL holds a
token, `strict-origin` (never a path, so never the token, not even in this site's or its proxy's access
log for the page's own styles and scripts). Not `no-referrer`: with it, browsers send `Origin: null` with a
form's POST, which Django's CSRF protection refuses, as it must; every page here has a form. The one
exception is the exit survey's public page (survey/views/answer.py), which sets `no-referrer` itself: its
forms carry a signed nonce in place of the CSRF token (survey/links.py).
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
LINK_PAGE_REFERRER_POLICY = "strict-origin"
NO_REFERRER = "no-referrer"


def _has_token(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and "token" in match.kwargs


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        # A page may only tighten the policy, to no-referrer (the survey's public page, whose forms are
        # checked by their own nonce instead of Django's CSRF check, which `Origin: null` would fail).
        if response.get("Referrer-Policy") != NO_REFERRER:
            response["Referrer-Policy"] = (
                LINK_PAGE_REFERRER_POLICY
                if _has_token(request)
                else settings.SECURE_REFERRER_POLICY or "same-origin"
            )
        if not request.path.startswith(settings.STATIC_URL or "/static/"):
            response["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response
