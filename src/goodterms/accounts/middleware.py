"""Session limits; the signed-in user's organization on the request; a fresh install sent to /setup/."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from goodterms.accounts import sessions
from goodterms.accounts.models import SiteSetup
from goodterms.accounts.securitylog import security_event
from goodterms.lib.vocabulary import SecurityEvent

_setup_done = False


def setup_done() -> bool:
    """Cached once true: an install never becomes un-set-up."""
    global _setup_done
    if not _setup_done:
        _setup_done = SiteSetup.objects.exists()
    return _setup_done


def forget_setup_state() -> None:
    """Tests that wipe the database call this."""
    global _setup_done
    _setup_done = False


class OrganizationMiddleware:
    EXEMPT_PREFIXES = ("/setup/", "/static/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        request.org = user.organization if user is not None and user.is_authenticated else None  # type: ignore[attr-defined]
        if not request.path.startswith(self.EXEMPT_PREFIXES) and not setup_done():
            return redirect("setup")
        return self.get_response(request)


class SessionLimitsMiddleware:
    """A session that was revoked, ran past its lifetime or sat idle too long is signed out
    (accounts/sessions.py); a live one has its idle clock renewed on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        reason = sessions.enforce(request)
        if reason is not None and reason != "revoked":
            security_event(SecurityEvent.SESSION_EXPIRED, request=request, reason=reason, user_id=user_id)
        response = self.get_response(request)
        sessions.renew(request, response)
        return response
