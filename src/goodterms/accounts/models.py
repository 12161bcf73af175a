"""Organizations, the people in them, invitations, and the record of failed logins."""

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
    """An expiring link that lets one person join an organization as a member."""

    email = models.EmailField(max_length=254)
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


class LoginFailure(models.Model):
    """One failed sign-in; counted per (username, IP) and per IP to slow down guessing."""

    username = models.CharField(max_length=254)
    ip = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["username", "ip", "at"]), models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at:%Y-%m-%d %H:%M}"


class WorkerBeat(models.Model):
    """When the background worker last went round its jobs: one row, so the pages can say it has stopped."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    at = models.DateTimeField(default=timezone.now)
    worker = models.CharField(max_length=100, blank=True, help_text="host:pid of the worker that wrote it")

    def __str__(self) -> str:
        return f"the worker ran at {self.at:%Y-%m-%d %H:%M:%S}"
