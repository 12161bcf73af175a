"""Writes for organizations, people and invitations."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from goodterms.accounts.models import Invitation, Organization, SiteSetup, User, hash_token
from goodterms.lib.refused import Refused


class AlreadySetUp(Refused):
    """The one-time setup has been done; there is nothing to set up twice."""

    def __init__(self) -> None:
        super().__init__("goodterms is already set up.")


def setup_create_owner(*, organization_name: str, name: str, email: str, password: str) -> User:
    """Create the first organization and its owner, once per install."""
    try:
        with transaction.atomic():
            # The primary key of the single SiteSetup row is the lock: a second setup fails here.
            SiteSetup.objects.create(id=1)
            org = Organization.objects.create(name=organization_name)
            return User.objects.create_user(
                email=email, password=password, name=name, organization=org, role=User.Role.OWNER
            )
    except IntegrityError:
        raise AlreadySetUp from None


def invitation_create(*, org: Organization, invited_by: User, email: str) -> tuple[Invitation, str]:
    """Returns the invitation and its token; the token is shown once and only its hash is kept."""
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        organization=org,
        email=email.lower(),
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=Invitation.default_expiry(),
    )
    return invitation, token


def invitation_find(token: str) -> Invitation | None:
    """The usable invitation behind a link's token, or None (unknown, used or expired look the same)."""
    invitation = (
        Invitation.objects.select_related("organization").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def invitation_accept(*, invitation: Invitation, name: str, email: str, password: str) -> User:
    with transaction.atomic():
        # A conditional update claims the invitation, so one link makes at most one account.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if claimed != 1:
            raise ValueError("This invitation has already been used.")
        return User.objects.create_user(
            email=email,
            password=password,
            name=name,
            organization=invitation.organization,
            role=User.Role.MEMBER,
        )


def member_remove(*, org: Organization, user: User) -> None:
    if user.organization_id != org.pk:
        raise ValueError("not a member of this organization")
    if user.is_owner:
        raise ValueError("The owner cannot be removed.")
    user.delete()
