"""Reads for organizations, people and invitations."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from goodterms.accounts.models import Invitation, Organization, SiteSetup, User, WorkerBeat, hash_token
from goodterms.accounts.orgscope import across_orgs, scoped


def members(*, org: Organization) -> QuerySet[User]:
    return org.users.order_by("name", "pk")


def member(*, org: Organization, pk: int) -> User:
    """One person of `org`, or 404: another organization's people look exactly like nobody."""
    try:
        return org.users.get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
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
