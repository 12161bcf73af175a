"""Failed sign-ins are limited per (username, IP) and per IP.

Counting by username alone would let anyone lock a victim out by typing their address wrongly five
times; counting by (username, IP) slows a guesser without shutting the real user out, and the
per-IP ceiling stops one address from spraying many usernames.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from goodterms.accounts.models import LoginFailure


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client and cannot be trusted without a known proxy.
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a placeholder, not a bind address)


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_throttled(username: str, ip: str) -> bool:
    since = _window_start()
    recent = LoginFailure.objects.filter(at__gte=since)
    if recent.filter(username=username.lower(), ip=ip).count() >= settings.LOGIN_FAILURES_PER_USERNAME_AND_IP:
        return True
    return recent.filter(ip=ip).count() >= settings.LOGIN_FAILURES_PER_IP


def record_failure(username: str, ip: str) -> None:
    LoginFailure.objects.create(username=username.lower()[:254], ip=ip)


def clear_failures(username: str, ip: str) -> None:
    LoginFailure.objects.filter(username=username.lower(), ip=ip).delete()


def purge_old_failures() -> int:
    deleted, _ = LoginFailure.objects.filter(at__lt=_window_start()).delete()
    return deleted
