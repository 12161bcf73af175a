"""Aftercare: what happens after an exit's last day, and what the endings add up to.

A former client's keep-in-touch schedule is a row per touchpoint (`Touchpoint`), written one at a time: the
next occurrence is written in the same transaction as the check-in draft its predecessor queues, never
before, so the schedule cannot move on while nothing was drafted. Every contact with a former client after
the end (a check-in sent, a call or meeting logged) is a `Touch`; the latest one says whether the user is
keeping in touch or losing it. Referral and testimonial asks (`Ask`) and what came of them (`Outcome`) are
kept for the limits and for the insights page. The daily digest claims its (user, local day) row
(`DigestSent`) before it sends, so two workers send it once.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodterms.accounts.orgscope import OrgOwned
from goodterms.lib.vocabulary import Channel

DEFAULT_MONTHS = [1, 3, 6, 12]
DEFAULT_IDEAL_DAYS = 90
DEFAULT_MAX_DAYS = 180


class Cadence(OrgOwned):
    """When to keep in touch: the organization's default (no client) or one client's own."""

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="cadence"
    )
    months = models.JSONField(default=list, help_text="Months after the end, in order: 1, 3, 6, 12.")
    ideal_days = models.PositiveSmallIntegerField(
        default=DEFAULT_IDEAL_DAYS, help_text="After this many days without contact, keeping in touch is due."
    )
    max_days = models.PositiveSmallIntegerField(
        default=DEFAULT_MAX_DAYS, help_text="After this many days without contact, you are losing touch."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(client__isnull=True), name="one_default_cadence"
            )
        ]

    def __str__(self) -> str:
        return f"Cadence {self.months}"


class Touchpoint(OrgOwned):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        DRAFTED = "drafted", "Check-in drafted"  # due: the draft waits for the user to send it
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Needs you"  # no draft could be written: `problem` says why

    exit = models.ForeignKey("exits.Exit", on_delete=models.CASCADE, related_name="touchpoints")
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    number = models.PositiveSmallIntegerField(help_text="1 for the first touchpoint after the end.")
    months = models.PositiveSmallIntegerField(help_text="Months after the end this touchpoint was set for.")
    due_at = models.DateTimeField(help_text="When it comes due: 09:00 on its day, in the user's time zone.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    message = models.OneToOneField(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="touchpoint"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_how = models.CharField(max_length=200, blank=True)
    problem = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exit", "number"], name="one_touchpoint_per_number")]
        indexes = [models.Index(fields=["state", "due_at"])]
        ordering = ["due_at", "number"]

    def __str__(self) -> str:
        return f"Touchpoint {self.number} of {self.exit_id}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.SCHEDULED, self.State.DRAFTED, self.State.FAILED)


class Touch(OrgOwned):
    """One contact with a former client after the end: a check-in sent, a call or a meeting logged."""

    exit = models.ForeignKey("exits.Exit", on_delete=models.CASCADE, related_name="touches")
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices())
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    message = models.OneToOneField(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.at:%Y-%m-%d}"


class Ask(OrgOwned):
    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referral ask"
        TESTIMONIAL = "testimonial", "Testimonial ask"

    class Answer(models.TextChoices):
        WAITING = "waiting", "No answer yet"
        YES = "yes", "Yes"
        NO = "no", "No"

    exit = models.ForeignKey("exits.Exit", on_delete=models.CASCADE, related_name="asks")
    contact = models.ForeignKey("clients.Contact", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    asked_on = models.DateField()
    answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.WAITING)
    answered_on = models.DateField(null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-asked_on", "-pk"]
        indexes = [models.Index(fields=["organization", "contact", "kind", "asked_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.asked_on}"


class Outcome(OrgOwned):
    """What came of the relationship after its end: someone introduced, a testimonial, the client back."""

    class Kind(models.TextChoices):
        INTRODUCED = "introduced", "Introduced someone"
        TESTIMONIAL = "testimonial", "Gave a testimonial"
        CAME_BACK = "came-back", "Came back"

    exit = models.ForeignKey("exits.Exit", on_delete=models.CASCADE, related_name="outcomes")
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ask = models.ForeignKey(Ask, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcomes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField()
    # Introduced someone: the new client they brought. Came back: the client, whose new engagement starts
    # on `on`, linked to the exit that ended the earlier one.
    new_client = models.ForeignKey(
        "clients.Client", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A testimonial: its words, and the consent to use them, as worded and when it was given.
    text = models.TextField(blank=True)
    consent_wording = models.TextField(blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    from_survey = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class DigestChoice(OrgOwned):
    """When a user wants the daily digest, in their own time zone, or not at all."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enabled = models.BooleanField(default=True)
    at = models.TimeField(default=time(8, 0))

    def __str__(self) -> str:
        return f"Digest at {self.at}" if self.enabled else "No digest"


class DigestSent(OrgOwned):
    """One user's digest of one local day: claimed (inserted) before it is sent, so it goes at most once."""

    class State(models.TextChoices):
        CLAIMED = "claimed", "Being sent"
        SENT = "sent", "Sent"
        NOTHING = "nothing", "Nothing was due"
        FAILED = "failed", "Could not be sent"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "local_date"], name="one_digest_per_user_day")]

    def __str__(self) -> str:
        return f"Digest of {self.local_date}"
