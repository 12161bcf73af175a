"""Session lifetimes and the list of one's sessions.

Every sign-in makes a `UserSession` row, and its id goes in the session. A request is signed in only while:

- the row exists: ending a session on the sessions page, a password change (the other sessions) and
  deactivating the user delete rows, so those sessions are refused for good, reactivated or not;
- less than SESSION_MAX_SECONDS have passed since the sign-in (the absolute lifetime);
- less than SESSION_IDLE_SECONDS have passed since the last request (the idle timeout).

The last request's time travels in a signed cookie (`goodterms_active`, bound to the row's id), renewed on
every response: reading a page writes nothing to the database (docs/development.md), and a browser left
alone stops renewing it. Without that cookie the sign-in time counts. A refused session is signed out on
the spot for a POST; for a GET the request is simply treated as signed out, and housekeeping deletes the
dead session rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from goodterms.accounts.models import User, UserSession
from goodterms.common.clientaddr import client_ip

SESSION_ROW = "goodterms_session"
ACTIVE_COOKIE = "goodterms_active"
_SALT = "goodterms.accounts.sessions.active"


def session_started(*, request: HttpRequest, user: User) -> UserSession:
    """Called on every sign-in (the user_logged_in signal): the row that keeps this session alive."""
    row = UserSession.objects.create(
        user=user,
        ip=_ip_or_none(request),
        user_agent=(request.headers.get("User-Agent") or "")[:200],
    )
    request.session[SESSION_ROW] = row.pk
    return row


def session_ended(*, request: HttpRequest) -> None:
    """Called on sign-out: the row goes with the session."""
    pk = request.session.get(SESSION_ROW) if hasattr(request, "session") else None
    if pk is not None:
        UserSession.objects.filter(pk=pk).delete()


def _ip_or_none(request: HttpRequest) -> str | None:
    ip = client_ip(request)
    return None if ip == "0.0.0.0" else ip  # noqa: S104


def active_cookie(row_pk: int, at: datetime) -> str:
    return signing.dumps({"s": row_pk, "t": int(at.timestamp())}, salt=_SALT, compress=False)


def last_active(request: HttpRequest, row: UserSession) -> datetime:
    """The last request's time, from the signed cookie; the sign-in's when it is missing or not this row's."""
    raw = request.COOKIES.get(ACTIVE_COOKIE, "")
    try:
        value: Any = signing.loads(raw, salt=_SALT) if raw else None
    except signing.BadSignature:
        value = None
    if isinstance(value, dict) and value.get("s") == row.pk and isinstance(value.get("t"), int):
        return max(row.created_at, datetime.fromtimestamp(value["t"], tz=UTC))
    return row.created_at


def why_ended(request: HttpRequest, row: UserSession | None, now: datetime) -> str | None:
    """Why this session no longer counts as signed in (None: it does)."""
    if row is None:
        return "revoked"
    if now - row.created_at >= timedelta(seconds=settings.SESSION_MAX_SECONDS):
        return "lifetime"
    if now - last_active(request, row) >= timedelta(seconds=settings.SESSION_IDLE_SECONDS):
        return "idle"
    return None


def current_row(request: HttpRequest) -> UserSession | None:
    pk = request.session.get(SESSION_ROW)
    if pk is None:
        return None
    return UserSession.objects.filter(pk=pk, user=request.user.pk or 0).first()


def enforce(request: HttpRequest) -> str | None:
    """Treat the request as signed out if its session ended; returns why, or None."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    now = timezone.now()
    row = current_row(request)
    reason = why_ended(request, row, now)
    if reason is None:
        request.goodterms_session = row  # type: ignore[attr-defined]
        return None
    if request.method in ("GET", "HEAD", "OPTIONS"):
        request.user = AnonymousUser()
    else:
        logout(request)
    return reason


def renew(request: HttpRequest, response: HttpResponse) -> None:
    row: UserSession | None = getattr(request, "goodterms_session", None)
    if row is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        if (
            ACTIVE_COOKIE in request.COOKIES
            and not getattr(request, "user", AnonymousUser()).is_authenticated
        ):
            response.delete_cookie(ACTIVE_COOKIE, samesite="Lax")
        return
    response.set_cookie(
        ACTIVE_COOKIE,
        active_cookie(row.pk, timezone.now()),
        max_age=settings.SESSION_IDLE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
