"""Housekeeping: remove what has expired, so the database holds only what still matters."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from goodterms.accounts import ratelimit
from goodterms.accounts.models import Invitation, PasswordReset, UserSession
from goodterms.accounts.orgscope import across_orgs
from goodterms.common.jobloop import Job

# Expired invitations are kept a while so the owner sees "expired" before they disappear.
EXPIRED_INVITATION_GRACE = timedelta(days=30)


def housekeeping() -> bool:
    """Delete expired sessions (and their rows), old sign-in counters, used or expired reset links and
    long-expired invitations in one pass.

    Returns False: one pass does all there is, so the worker comes back at the job's interval."""
    now = timezone.now()
    Session.objects.filter(expire_date__lt=now).delete()
    UserSession.objects.filter(created_at__lt=now - timedelta(seconds=settings.SESSION_MAX_SECONDS)).delete()
    PasswordReset.objects.filter(expires_at__lt=now).delete()
    ratelimit.purge_old_counters()
    across_orgs(Invitation).filter(
        accepted_at__isnull=True, expires_at__lt=now - EXPIRED_INVITATION_GRACE
    ).delete()
    return False


JOBS: tuple[Job, ...] = (Job("housekeeping", housekeeping, every=600.0),)
