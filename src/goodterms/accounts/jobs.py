"""Housekeeping: remove what has expired, so the database holds only what still matters."""

import time
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from goodterms.accounts import ratelimit
from goodterms.accounts.models import Invitation

# Expired invitations are kept a while so the owner sees "expired" before they disappear.
EXPIRED_INVITATION_GRACE = timedelta(days=30)
HOUSEKEEPING_EVERY_SECONDS = 600.0
_last_run = {"at": float("-inf")}


def housekeeping_once() -> bool:
    """Delete expired sessions, old failed-login records and long-expired invitations. Returns False: one pass
    does all there is, so the worker moves on to the next job."""
    if time.monotonic() - _last_run["at"] < HOUSEKEEPING_EVERY_SECONDS:
        return False
    _last_run["at"] = time.monotonic()
    now = timezone.now()
    Session.objects.filter(expire_date__lt=now).delete()
    ratelimit.purge_old_failures()
    Invitation.objects.filter(
        accepted_at__isnull=True, expires_at__lt=now - EXPIRED_INVITATION_GRACE
    ).delete()
    return False
