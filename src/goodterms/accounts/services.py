"""Writes for organizations, people, invitations, passwords and sessions."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goodterms.accounts import ratelimit
from goodterms.accounts.models import (
    Invitation,
    Organization,
    PasswordReset,
    SiteSetup,
    User,
    UserSession,
    WorkerBeat,
    hash_token,
)
from goodterms.accounts.orgscope import scoped
from goodterms.accounts.securitylog import security_event
from goodterms.accounts.signals import account_mail, planning_rules_changed
from goodterms.lib import checks
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import SecurityEvent

log = logging.getLogger("goodterms.accounts")


class AlreadySetUp(Refused):
    """The one-time setup has been done; there is nothing to set up twice."""

    def __init__(self) -> None:
        super().__init__("goodterms is already set up.")


class InvitationUsed(Refused):
    """The invitation was used (or revoked) a moment ago."""

    def __init__(self) -> None:
        super().__init__("This invitation has already been used.")


class AccountExists(Refused):
    """Someone already has an account with this email (emails are unique across the instance)."""

    def __init__(self) -> None:
        super().__init__("Someone with this email already has an account: sign in instead.")


class MemberNotRemoved(Refused):
    """The member cannot be removed, deactivated or changed; `message` says why."""


class ResetLinkUsed(Refused):
    def __init__(self) -> None:
        super().__init__("This link has been used or has expired. Ask for a new one.")


# --- organizations ------------------------------------------------------------------------------------------


def _owner_create(*, org: Organization, name: str, email: str, password: str) -> User:
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=checks.normalize_email(email).lower(),
                password=password,
                name=name,
                organization=org,
                role=User.Role.OWNER,
            )
    except IntegrityError:
        raise AccountExists from None


def setup_create_owner(*, organization_name: str, name: str, email: str, password: str) -> User:
    """Create the first organization and its owner, once per install (the setup page or `goodterms setup`)."""
    try:
        with transaction.atomic():
            # The primary key of the single SiteSetup row is the lock: a second setup fails here.
            SiteSetup.objects.create(id=1)
            org = Organization.objects.create(name=organization_name)
            user = _owner_create(org=org, name=name, email=email, password=password)
    except IntegrityError:
        raise AlreadySetUp from None
    security_event(SecurityEvent.ORGANIZATION_CREATED, org=org, actor=user, first=True)
    return user


def organization_create(*, organization_name: str, name: str, email: str, password: str) -> User:
    """Another organization on an instance that is set up, with its owner: only from the command line
    (`goodterms setup --another`), by whoever runs the server. Organizations never see each other's data."""
    with transaction.atomic():
        if not SiteSetup.objects.filter(id=1).exists():
            raise Refused("goodterms is not set up yet: run goodterms setup without --another first.")
        org = Organization.objects.create(name=organization_name)
        user = _owner_create(org=org, name=name, email=email, password=password)
        security_event(SecurityEvent.ORGANIZATION_CREATED, org=org, actor=user, first=False)
    return user


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
        security_event(
            SecurityEvent.RULES_CHANGED,
            org=org,
            minimum_notice_days=minimum_notice_days,
            money_notice_days=money_notice_days,
            country=country,
        )


def user_set_time_zone(*, user: User, time_zone: str) -> None:
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])


# --- mail to users ------------------------------------------------------------------------------------------


def _mail(*, to: str, subject: str, text: str) -> bool:
    """Hand a user's email to the messaging app (accounts/signals.py); True once the mail server took it."""
    responses = account_mail.send(sender=User, to=to, subject=subject, text=text)
    return any(bool(result) for _receiver, result in responses)


# --- invitations --------------------------------------------------------------------------------------------


def invitation_create(
    *, org: Organization, invited_by: User, email: str, role: str = User.Role.MEMBER
) -> tuple[Invitation, str]:
    """Returns the invitation and its token; the token is shown once and only its hash is kept.

    A second invitation to the same address replaces the first, whose link stops working."""
    email = email.lower()
    if role not in User.Role.values:
        raise MemberNotRemoved(f"Unknown role {role!r}.")
    token = Invitation.new_token()
    with transaction.atomic():
        scoped(Invitation, org).filter(email=email, accepted_at__isnull=True).delete()
        invitation = scoped(Invitation, org).create(
            email=email,
            role=role,
            token_hash=hash_token(token),
            invited_by=invited_by,
            expires_at=Invitation.default_expiry(),
        )
        security_event(
            SecurityEvent.MEMBER_INVITED, org=org, actor=invited_by, email=email, role=role, id=invitation.pk
        )
    return invitation, token


def invitation_send(*, invitation: Invitation, link: str) -> bool:
    """Email the invitation's link to the person invited; True when the mail server took it."""
    org = invitation.organization
    inviter = invitation.invited_by.name if invitation.invited_by else "The owner"
    text = (
        f"Hello,\n\n{inviter} invites you to join {org.name} on goodterms"
        f"{' as an owner' if invitation.role == User.Role.OWNER else ''}.\n\n"
        f"Open this link to choose your password and join:\n{link}\n\n"
        f"It works once, until {invitation.expires_at:%-d %B %Y}. If you were not expecting it, ignore it.\n"
    )
    return _mail(to=invitation.email, subject=f"Join {org.name} on goodterms", text=text)


def invitation_revoke(*, invitation: Invitation) -> None:
    with transaction.atomic():
        deleted, _ = (
            scoped(Invitation, invitation.organization)
            .filter(pk=invitation.pk, accepted_at__isnull=True)
            .delete()
        )
        if deleted:
            security_event(
                SecurityEvent.INVITATION_REVOKED,
                org=invitation.organization,
                email=invitation.email,
                id=invitation.pk,
            )


def invitation_accept(*, invitation: Invitation, name: str, password: str) -> User:
    """The new member's account, in the invitation's organization, role and address."""
    try:
        with transaction.atomic():
            # A conditional update claims the invitation, so one link makes at most one account.
            claimed = (
                scoped(Invitation, invitation.organization)
                .filter(pk=invitation.pk, accepted_at__isnull=True)
                .update(accepted_at=timezone.now())
            )
            if claimed != 1:
                raise InvitationUsed
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise AccountExists
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                name=name,
                organization=invitation.organization,
                role=invitation.role,
            )
            security_event(
                SecurityEvent.MEMBER_JOINED,
                org=invitation.organization,
                actor=user,
                role=user.role,
                invitation=invitation.pk,
            )
            return user
    except IntegrityError:  # the same address accepted twice at the same moment
        raise AccountExists from None


# --- members ------------------------------------------------------------------------------------------------


def _other_owners(org: Organization, user: User) -> bool:
    return org.users.filter(role=User.Role.OWNER, is_active=True).exclude(pk=user.pk).exists()


def _check_member(org: Organization, user: User) -> None:
    if user.organization_id != org.pk:
        raise MemberNotRemoved("Not a member of this organization.")


def member_remove(*, org: Organization, user: User, by: User) -> None:
    _check_member(org, user)
    if user.is_owner:
        raise MemberNotRemoved("An owner cannot be removed: make them a member first.")
    with transaction.atomic():
        security_event(SecurityEvent.MEMBER_REMOVED, org=org, actor=by, member=user.pk, email=user.email)
        user.delete()


def member_deactivate(*, org: Organization, user: User, by: User) -> None:
    """The person can no longer sign in, and every session they have ends for good: reactivating them later
    brings none of those back."""
    _check_member(org, user)
    if user.pk == by.pk:
        raise MemberNotRemoved("You cannot deactivate yourself.")
    if user.is_owner and not _other_owners(org, user):
        raise MemberNotRemoved("The only owner cannot be deactivated.")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        UserSession.objects.filter(user=user).delete()
        security_event(SecurityEvent.MEMBER_DEACTIVATED, org=org, actor=by, member=user.pk)
    user.is_active = False


def member_reactivate(*, org: Organization, user: User, by: User) -> None:
    _check_member(org, user)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        security_event(SecurityEvent.MEMBER_REACTIVATED, org=org, actor=by, member=user.pk)
    user.is_active = True


def member_set_role(*, org: Organization, user: User, role: str, by: User) -> None:
    """Make someone an owner or a member. An organization always keeps one active owner, so the last owner
    hands over (makes someone else owner) before becoming a member: that is how ownership is transferred."""
    _check_member(org, user)
    if role not in User.Role.values:
        raise MemberNotRemoved(f"Unknown role {role!r}.")
    if role == user.role:
        return
    with transaction.atomic():
        if role == User.Role.MEMBER and not _other_owners(org, user):
            raise MemberNotRemoved("Make someone else an owner first: an organization needs an owner.")
        if role == User.Role.OWNER and not user.is_active:
            raise MemberNotRemoved("Reactivate them first.")
        User.objects.filter(pk=user.pk).update(role=role)
        security_event(
            SecurityEvent.ROLE_CHANGED, org=org, actor=by, member=user.pk, before=user.role, after=role
        )
    user.role = role


def ownership_transfer(*, org: Organization, owner: User, to: User) -> None:
    """`to` becomes an owner and `owner` a member, in one transaction."""
    if not owner.is_owner:
        raise MemberNotRemoved("Only an owner can hand over ownership.")
    if to.pk == owner.pk:
        raise MemberNotRemoved("Choose someone else.")
    with transaction.atomic():
        member_set_role(org=org, user=to, role=User.Role.OWNER, by=owner)
        member_set_role(org=org, user=owner, role=User.Role.MEMBER, by=owner)


# --- passwords and sessions ---------------------------------------------------------------------------------


def password_change(*, user: User, new_password: str, keep_session: int | None = None) -> None:
    """Set the password; every other session of the user ends (the current one, `keep_session`, stays)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        sessions = UserSession.objects.filter(user=user)
        if keep_session is not None:
            sessions = sessions.exclude(pk=keep_session)
        ended = sessions.delete()[0]
        security_event(
            SecurityEvent.PASSWORD_CHANGED, org=user.organization, actor=user, sessions_ended=ended
        )


def password_reset_request(*, email: str, site: str, ip: str) -> bool:
    """Email a single-use, expiring link to the account with this address, if there is one and it is active.

    Returns False only when the limit of requests for this address or from this ip is reached; the page says
    the same either way, so it never tells who has an account. `site` is `https://host` for the link."""
    try:
        email = checks.normalize_email(email).lower()
    except checks.InvalidValue:
        email = email.strip().lower()  # no account has it; the answer is the same as for any other
    hour = timedelta(hours=1)
    if not ratelimit.take(f"reset:{email}", settings.PASSWORD_RESETS_PER_HOUR, window=hour):
        return False
    if not ratelimit.take(f"reset-ip:{ip}", settings.PASSWORD_RESETS_PER_HOUR * 10, window=hour):
        return False
    user = User.objects.filter(email__iexact=email, is_active=True).select_related("organization").first()
    if user is None:
        security_event(SecurityEvent.PASSWORD_RESET_REQUESTED, email=email, known=False)
        return True
    token = Invitation.new_token()  # the same 256 random bits as an invitation link
    minutes = settings.PASSWORD_RESET_MINUTES
    with transaction.atomic():
        # One live link per account: a new request ends the earlier ones.
        PasswordReset.objects.filter(user=user, used_at__isnull=True).delete()
        PasswordReset.objects.create(
            user=user, token_hash=hash_token(token), expires_at=timezone.now() + timedelta(minutes=minutes)
        )
        security_event(
            SecurityEvent.PASSWORD_RESET_REQUESTED, org=user.organization, actor=user, email=email, known=True
        )
    link = site.rstrip("/") + reverse("password-reset-confirm", args=[token])
    text = (
        f"Hello {user.name},\n\nSomeone (we hope you) asked to reset your goodterms password. Open this "
        f"link to choose a new one:\n{link}\n\nIt works once, for {minutes} minutes. If you did not ask, "
        "ignore this email: your password stays as it is.\n"
    )
    if not _mail(to=user.email, subject="Reset your goodterms password", text=text):
        log.warning("accounts: the password reset email for user %s could not be sent", user.pk)
    return True


def password_reset_confirm(*, token: str, new_password: str) -> User:
    """Use the link: the password changes, the link stops working, and every session of the user ends."""
    now = timezone.now()
    with transaction.atomic():
        reset = (
            PasswordReset.objects.select_related("user__organization")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if reset is None:
            raise ResetLinkUsed
        claimed = PasswordReset.objects.filter(pk=reset.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if claimed != 1 or not reset.user.is_active:
            raise ResetLinkUsed
        user = reset.user
        user.set_password(new_password)
        user.save(update_fields=["password"])
        ended = UserSession.objects.filter(user=user).delete()[0]
        security_event(SecurityEvent.PASSWORD_RESET, org=user.organization, actor=user, sessions_ended=ended)
    return user


def session_revoke(*, user: User, pk: int) -> bool:
    """End one of the user's own sessions (any browser); False when it was gone already."""
    with transaction.atomic():
        deleted = UserSession.objects.filter(user=user, pk=pk).delete()[0]
        if deleted:
            security_event(SecurityEvent.SESSION_REVOKED, org=user.organization, actor=user, session=pk)
    return bool(deleted)


def sessions_revoke_others(*, user: User, keep: int | None) -> int:
    with transaction.atomic():
        others = UserSession.objects.filter(user=user)
        if keep is not None:
            others = others.exclude(pk=keep)
        deleted = others.delete()[0]
        if deleted:
            security_event(SecurityEvent.SESSION_REVOKED, org=user.organization, actor=user, sessions=deleted)
    return int(deleted)


def worker_beat(*, worker: str) -> None:
    """Record that the worker is going round its jobs now (one row, written over)."""
    WorkerBeat.objects.update_or_create(id=1, defaults={"at": timezone.now(), "worker": worker[:100]})
