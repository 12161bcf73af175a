"""Reads for organizations, people and invitations."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from goodterms.accounts.models import (
    Invitation,
    Organization,
    PasswordReset,
    SecurityLogEntry,
    SiteSetup,
    User,
    UserSession,
    WorkerBeat,
    hash_token,
)
from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.accounts.securitylog import security_event
from goodterms.lib.vocabulary import SecurityEvent


def members(*, org: Organization) -> QuerySet[User]:
    return org.users.order_by("name", "pk")


def member(*, org: Organization, pk: int) -> User:
    """One person of `org`, or 404: another organization's people look exactly like nobody."""
    try:
        return org.users.get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        if User.objects.filter(pk=pk).exclude(organization=org).exists():
            security_event(SecurityEvent.CROSS_ORG_404, org=org, model="User", id=str(pk))
        raise Http404("Not found") from None


def pending_invitations(*, org: Organization) -> QuerySet[Invitation]:
    return scoped(Invitation, org).filter(accepted_at__isnull=True).order_by("-created_at")


def invitation_find(*, token: str) -> Invitation | None:
    """The usable invitation behind a link's token, or None (unknown, used or expired look the same).

    The token is the scope here: nobody is signed in, and only its hash is stored."""
    invitation = (
        across_orgs(Invitation).select_related("organization").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


# The worker goes round its jobs every few seconds and records it at least this often (cli/worker.py).
WORKER_BEAT_SECONDS = 30.0
# Pages say the worker has stopped when it has not been round for this long.
WORKER_SILENT_AFTER = timedelta(minutes=5)


def worker_silent_since(*, now: datetime | None = None) -> datetime | None:
    """When the worker was last seen, if that is longer ago than WORKER_SILENT_AFTER (None: all is well).

    An install set up moments ago, whose worker has not written yet, is not reported."""
    now = now or timezone.now()
    beat = WorkerBeat.objects.filter(id=1).values_list("at", flat=True).first()
    if beat is not None:
        return beat if now - beat > WORKER_SILENT_AFTER else None
    setup = SiteSetup.objects.filter(id=1).values_list("done_at", flat=True).first()
    if setup is not None and now - setup > WORKER_SILENT_AFTER:
        return setup
    return None


def sessions_of(*, user: User) -> QuerySet[UserSession]:
    """The user's signed-in browsers, newest first (those past their lifetime are left out)."""
    from django.conf import settings

    since = timezone.now() - timedelta(seconds=settings.SESSION_MAX_SECONDS)
    return UserSession.objects.filter(user=user, created_at__gt=since)


def session_of(*, user: User, pk: int) -> UserSession:
    """One of the user's own sessions, or 404 (another person's looks like none)."""
    session = UserSession.objects.filter(user=user, pk=pk).first()
    if session is None:
        raise Http404("Not found")
    return session


def password_reset_usable(*, token: str) -> bool:
    reset = PasswordReset.objects.filter(token_hash=hash_token(token)).select_related("user").first()
    return reset is not None and reset.is_usable and reset.user.is_active


SECURITY_LOG_PAGE = 200


def security_log(*, org: Organization) -> list[SecurityLogEntry]:
    """The organization's latest security events, with who did each."""
    return list(scoped(SecurityLogEntry, org).select_related("actor")[:SECURITY_LOG_PAGE])
