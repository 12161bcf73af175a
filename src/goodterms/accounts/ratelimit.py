"""Sign-in attempts are limited per (account, address), per address, and per account.

- Per (account, address), LOGIN_FAILURES_PER_USERNAME_AND_IP: a guesser at one address is paused on that
  account, while the real user elsewhere is not.
- Per address, LOGIN_FAILURES_PER_IP: one address cannot spray many accounts.
- Per account, LOGIN_FAILURES_PER_ACCOUNT: many addresses guessing one account are paused together, but only
  at addresses that account never signed in from. An address it signed in from before (`KnownAddress`) is
  exempt from this limit, so failures from many addresses never lock a user out of their own address.

The address is the client's, read behind the TRUSTED_PROXIES only (common/clientaddr.py), so everyone behind
the reverse proxy is not one address. Each attempt takes a slot before the password is checked, with an
`UPDATE … SET count = count + 1 WHERE count < limit`: on PostgreSQL the row lock and on SQLite the write lock
order parallel attempts, so forty guesses at once get at most the limit checked (tests/accounts/
test_ratelimit.py). A success gives its slots back and clears the (account, address) count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from goodterms.accounts.models import AttemptCounter, KnownAddress
from goodterms.common.clientaddr import client_ip

__all__ = ["Attempt", "client_ip", "known_address_add", "purge_old_counters", "reserve", "take"]


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def take(key: str, limit: int, *, window: timedelta | None = None) -> bool:
    """Take one of `limit` slots for `key` in the window; False when none is left."""
    window = window or _window()
    key = key[:400]
    for _try in range(3):
        now = timezone.now()
        # A window that has run out starts again with this attempt.
        if AttemptCounter.objects.filter(key=key, window_start__lte=now - window).update(
            count=1, window_start=now
        ):
            return limit >= 1
        if AttemptCounter.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1):
            return True
        if AttemptCounter.objects.filter(key=key).exists():
            return False
        try:
            with transaction.atomic():
                AttemptCounter.objects.create(key=key, window_start=now, count=1)
            return limit >= 1
        except IntegrityError:
            continue  # another attempt created the row first: take a slot in it
    return False


def give_back(key: str) -> None:
    AttemptCounter.objects.filter(key=key[:400], count__gt=0).update(count=F("count") - 1)


def clear(key: str) -> None:
    AttemptCounter.objects.filter(key=key[:400]).delete()


@dataclass(frozen=True)
class Attempt:
    """The slots one sign-in attempt took, or the limit that refused it (`refused_by`)."""

    email: str
    ip: str
    keys: tuple[str, ...]
    refused_by: str = ""

    @property
    def allowed(self) -> bool:
        return not self.refused_by

    def succeeded(self) -> None:
        clear(f"pair:{self.email}:{self.ip}")
        for key in self.keys:
            if not key.startswith("pair:"):
                give_back(key)
        known_address_add(email=self.email, ip=self.ip)


def reserve(email: str, ip: str) -> Attempt:
    """Take the slots for one attempt at `email` from `ip`, the narrowest limit first: a refused attempt
    takes nothing from the wider limits, so a paused guesser does not use up the account's budget."""
    email = email.strip().lower()
    limits = [
        ("pair", f"pair:{email}:{ip}", settings.LOGIN_FAILURES_PER_USERNAME_AND_IP),
        ("address", f"ip:{ip}", settings.LOGIN_FAILURES_PER_IP),
    ]
    if not KnownAddress.objects.filter(email=email, ip=ip).exists():
        limits.append(("account", f"account:{email}", settings.LOGIN_FAILURES_PER_ACCOUNT))
    taken: list[str] = []
    for name, key, limit in limits:
        if not take(key, limit):
            return Attempt(email=email, ip=ip, keys=tuple(taken), refused_by=name)
        taken.append(key)
    return Attempt(email=email, ip=ip, keys=tuple(taken))


def known_address_add(*, email: str, ip: str) -> None:
    updated = KnownAddress.objects.filter(email=email, ip=ip).update(last_at=timezone.now())
    if not updated:
        try:
            with transaction.atomic():
                KnownAddress.objects.create(email=email, ip=ip)
        except IntegrityError:
            pass  # the same sign-in, twice at once: one row is enough


def request_ip(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else "0.0.0.0"  # noqa: S104


def purge_old_counters() -> int:
    """Counters whose window ran out count nothing any more; known addresses are kept for a year."""
    now = timezone.now()
    deleted, _ = AttemptCounter.objects.filter(
        window_start__lt=now - max(_window(), timedelta(hours=1))
    ).delete()
    KnownAddress.objects.filter(last_at__lt=now - timedelta(days=365)).delete()
    return deleted
