"""Organizations, the people in them, invitations, sessions, sign-in counters and the security log."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from goodterms import playbook
from goodterms.accounts.orgscope import OrgOwned
from goodterms.lib.vocabulary import SecurityEvent


def hash_token(token: str) -> str:
    """Public links carry a random token; only its SHA-256 is stored, so a database leak opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class Organization(models.Model):
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    # Notice rules: how far ahead a client hears that the relationship ends (a client's contract overrides).
    minimum_notice_days = models.PositiveSmallIntegerField(
        "minimum notice (days)", default=30, help_text="How long before the end you tell a client."
    )
    money_notice_days = models.PositiveSmallIntegerField(
        "notice when money is affected (days)",
        default=60,
        help_text="Longer, for a fee or management change that affects what the client pays.",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="Steps counted in business days skip this country's public holidays.",
    )

    def __str__(self) -> str:
        return self.name

    def notice_policy(self) -> playbook.NoticePolicy:
        """The notice rules as the plan engine takes them (a client's contract overrides them per exit)."""
        return playbook.NoticePolicy(minimum_days=self.minimum_notice_days, money_days=self.money_notice_days)


class SiteSetup(models.Model):
    """A single row written by the one-time setup page; its primary key makes a second setup impossible."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    done_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"set up at {self.done_at:%Y-%m-%d %H:%M}"


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Signing in: the email matches whatever its case (they are stored in lower case)."""
        return self.get(email__iexact=(username or "").strip())


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    email = models.EmailField(unique=True, max_length=254)
    name = models.CharField(max_length=150)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="users")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="Calls and scheduled messages use it. Empty: the server's."
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


def user_zone(user: User) -> ZoneInfo:
    """The user's time zone, or the server's when blank or unknown: a typo must not break a page or a file."""
    for name in (user.time_zone, settings.TIME_ZONE):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


class Invitation(OrgOwned):
    """An expiring link that lets one person join an organization, in the role the owner chose."""

    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=10, choices=User.Role.choices, default=User.Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @classmethod
    def default_expiry(cls) -> Any:
        return timezone.now() + timedelta(days=settings.INVITATION_DAYS)

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class PasswordReset(models.Model):
    """A password reset link: only the token's hash, usable once (`used_at`) until `expires_at`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Password reset for user {self.user_id}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class UserSession(models.Model):
    """One signed-in browser. A session works only while its row exists: revoking, deactivation and a
    password change delete rows, and the session they belonged to is refused from the next request on."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"session {self.pk} of user {self.user_id}"


class AttemptCounter(models.Model):
    """Sign-in attempts (and reset requests) counted per key in a window; an UPDATE … WHERE count < limit
    takes a slot, so parallel attempts never get more slots than the limit (accounts/ratelimit.py)."""

    key = models.CharField(max_length=400, unique=True)
    window_start = models.DateTimeField(default=timezone.now)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class KnownAddress(models.Model):
    """An address an account signed in from: failures elsewhere never lock the account out of it."""

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField()
    last_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["email", "ip"], name="one_known_address")]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip}"


class SecurityLogEntry(OrgOwned):
    """The organization's part of the security log, for its owner's page (the log itself has every line)."""

    at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=40, choices=SecurityEvent.choices())
    request_id = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "at"])]
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} at {self.at:%Y-%m-%d %H:%M:%S}"


class WorkerBeat(models.Model):
    """When the background worker last went round its jobs: one row, so the pages can say it has stopped."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=100, blank=True, help_text="host:pid of the worker that wrote it")

    def __str__(self) -> str:
        return f"the worker ran at {self.at:%Y-%m-%d %H:%M:%S}"
