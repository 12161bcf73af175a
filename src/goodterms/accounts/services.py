"""Writes for organizations, people and invitations."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from goodterms.accounts.models import Invitation, Organization, SiteSetup, User, WorkerBeat, hash_token
from goodterms.accounts.orgscope import scoped
from goodterms.accounts.signals import planning_rules_changed
from goodterms.lib import checks
from goodterms.lib.refused import Refused


class AlreadySetUp(Refused):
    """The one-time setup has been done; there is nothing to set up twice."""

    def __init__(self) -> None:
        super().__init__("goodterms is already set up.")


class InvitationUsed(Refused):
    """The invitation was used (or revoked) a moment ago."""

    def __init__(self) -> None:
        super().__init__("This invitation has already been used.")


class MemberNotRemoved(Refused):
    """The member cannot be removed; `message` says why."""


def setup_create_owner(*, organization_name: str, name: str, email: str, password: str) -> User:
    """Create the first organization and its owner, once per install."""
    try:
        with transaction.atomic():
            # The primary key of the single SiteSetup row is the lock: a second setup fails here.
            SiteSetup.objects.create(id=1)
            org = Organization.objects.create(name=organization_name)
            return User.objects.create_user(
                email=checks.normalize_email(email).lower(),
                password=password,
                name=name,
                organization=org,
                role=User.Role.OWNER,
            )
    except IntegrityError:
        raise AlreadySetUp from None


def organization_update_rules(
    *, org: Organization, minimum_notice_days: int, money_notice_days: int, country: str
) -> None:
    """Change the notice rules and holiday country; every running plan is made again with them."""
    with transaction.atomic():
        org.minimum_notice_days = minimum_notice_days
        org.money_notice_days = money_notice_days
        org.country = country
        org.save(update_fields=["minimum_notice_days", "money_notice_days", "country"])
        planning_rules_changed.send(sender=Organization, organization=org)


def user_set_time_zone(*, user: User, time_zone: str) -> None:
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])


def invitation_create(*, org: Organization, invited_by: User, email: str) -> tuple[Invitation, str]:
    """Returns the invitation and its token; the token is shown once and only its hash is kept."""
    token = Invitation.new_token()
    invitation = scoped(Invitation, org).create(
        email=email.lower(),
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=Invitation.default_expiry(),
    )
    return invitation, token


def invitation_revoke(*, invitation: Invitation) -> None:
    scoped(Invitation, invitation.organization).filter(pk=invitation.pk, accepted_at__isnull=True).delete()


def invitation_accept(*, invitation: Invitation, name: str, password: str) -> User:
    """The new member's account, in the invitation's organization and under the address it was sent to."""
    with transaction.atomic():
        # A conditional update claims the invitation, so one link makes at most one account.
        claimed = (
            scoped(Invitation, invitation.organization)
            .filter(pk=invitation.pk, accepted_at__isnull=True)
            .update(accepted_at=timezone.now())
        )
        if claimed != 1:
            raise InvitationUsed
        return User.objects.create_user(
            email=invitation.email,
            password=password,
            name=name,
            organization=invitation.organization,
            role=User.Role.MEMBER,
        )


def member_remove(*, org: Organization, user: User) -> None:
    if user.organization_id != org.pk:
        raise MemberNotRemoved("Not a member of this organization.")
    if user.is_owner:
        raise MemberNotRemoved("The owner cannot be removed.")
    user.delete()


def worker_beat(*, worker: str) -> None:
    """Record that the worker is going round its jobs now (one row, written over)."""
    WorkerBeat.objects.update_or_create(id=1, defaults={"at": timezone.now(), "worker": worker[:100]})
