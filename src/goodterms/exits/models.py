"""An exit is one client relationship coming to an end, with its dated plan, its checklist and its record.

The plan comes from goodterms.playbook. It is stored as one `ExitStep` row per planned step, so that the
dashboard and the calendar feeds read due dates with plain queries. `services.replan()` alone writes those
rows: it asks the engine again whenever a fact changes, and the engine never loses a done step.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodterms import playbook
from goodterms.accounts.orgscope import OrgOwned
from goodterms.lib.vocabulary import (
    CONVERSATIONS,
    Channel,
    Feeling,
    Initiator,
    MessageKind,
    Phase,
    Reason,
    StepStatus,
)


class Exit(OrgOwned):
    class State(models.TextChoices):
        RUNNING = "running", "Running"
        CANCELLED = "cancelled", "Cancelled"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="exits")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="exits",
        help_text="Who looks after this exit; their calendar feed shows its steps.",
    )
    playbook_id = models.CharField("playbook", max_length=64)
    # False: goodterms chose the playbook from the answers and chooses again when they change.
    # True: the user picked it, and it stays until they pick another.
    playbook_picked = models.BooleanField(default=False)
    initiated_by = models.CharField(max_length=10, choices=Initiator.choices(), default=Initiator.ME)
    reason = models.CharField(max_length=20, choices=Reason.choices(), default=Reason.OTHER)
    money_affected = models.BooleanField(
        default=False, help_text="A fee or management change that affects what the client pays."
    )
    feeling = models.CharField(
        "how it feels", max_length=10, choices=Feeling.choices(), default=Feeling.SMOOTH
    )
    notice_date = models.DateField(help_text="The day you tell the client (or they told you).")
    end_date = models.DateField(help_text="The last working day.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    handover_to = models.CharField(
        "who takes over",
        max_length=200,
        blank=True,
        help_text="The person or firm who takes the work on, named in the notice and handover messages.",
    )
    # "Be sure the job is really over": the goodbyes wait for the checklist, unless the user says why not.
    readiness_override = models.TextField(blank=True)
    readiness_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    readiness_overridden_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One ending at a time per client: a second "start exit" (double click) cannot create another.
            models.UniqueConstraint(
                fields=["client"], condition=models.Q(state="running"), name="one_running_exit_per_client"
            )
        ]
        indexes = [models.Index(fields=["organization", "state", "end_date"])]

    def __str__(self) -> str:
        return f"Exit from {self.client}"

    @property
    def is_running(self) -> bool:
        return self.state == self.State.RUNNING

    @property
    def sour(self) -> bool:
        return self.feeling == Feeling.SOUR

    @property
    def notice_days(self) -> int:
        return (self.end_date - self.notice_date).days


class ExitStep(OrgOwned):
    """One dated step of an exit's plan, as the engine last planned it, plus what the user did with it."""

    exit = models.ForeignKey(Exit, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=200)
    step_id = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    why = models.TextField()
    channel = models.CharField(max_length=10, choices=Channel.choices())
    phase = models.CharField(max_length=20, choices=Phase.choices())
    message_kind = models.CharField(max_length=30, blank=True, choices=MessageKind.choices())
    talking_points = models.JSONField(default=list, blank=True)
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    due = models.DateField()
    # The engine's view of this step's gates: step keys and check names, and which are still closed.
    gates = models.JSONField(default=list, blank=True)
    closed_gates = models.JSONField(default=list, blank=True)
    kept = models.BooleanField(
        default=False, help_text="Done earlier, no longer in the plan: kept on record."
    )
    # What the user did.
    moved_to = models.DateField(null=True, blank=True)
    at_time = models.TimeField(null=True, blank=True, help_text="For calls and meetings: when, your time.")
    # For calls and meetings: whom the user chose to invite (contact ids of the exit's client; empty: not
    # chosen yet, and the plan proposes the step's own person or the primary contact), how long, and
    # whether the invitation the client receives carries the talking points.
    attendee_ids = models.JSONField(default=list, blank=True)
    minutes = models.PositiveSmallIntegerField("length in minutes", default=30)
    share_talking_points = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    # How the user wants a step done ("email instead" of the call the person's preference asks for), and how
    # it was done ("called instead" of an email). The plan's channel follows them, the latter first.
    channel_chosen = models.CharField(max_length=10, blank=True, choices=Channel.choices())
    done_as = models.CharField(max_length=10, blank=True, choices=Channel.choices())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exit", "key"], name="one_step_per_key")]
        indexes = [models.Index(fields=["organization", "done_on", "due"])]
        ordering = ["due", "position"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_locked(self) -> bool:
        return not self.is_done and bool(self.closed_gates)

    def status(self, today: date | None = None) -> StepStatus:
        """done, locked, overdue, today or upcoming: the plan engine's own definition."""
        return playbook.step_status(self.done_on, self.closed_gates, self.due, today or timezone.localdate())

    @property
    def is_meeting(self) -> bool:
        return self.channel in CONVERSATIONS


class ReadinessItem(OrgOwned):
    """Something to finish before the goodbyes: a deliverable to hand over or an invoice to be paid."""

    class Kind(models.TextChoices):
        DELIVERABLE = "deliverable", "Open deliverable"
        INVOICE = "invoice", "Unpaid invoice"

    exit = models.ForeignKey(Exit, on_delete=models.CASCADE, related_name="readiness_items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def done_label(self) -> str:
        return "paid" if self.kind == self.Kind.INVOICE else "delivered"

    @property
    def noun(self) -> str:
        """ "Invoice", "Deliverable": what it is once done ("Unpaid invoice — paid" says two things)."""
        return "Invoice" if self.kind == self.Kind.INVOICE else "Deliverable"


class ExitEvent(OrgOwned):
    """The exit's record: what happened, when and by whom. Overrides and notes stay here for good."""

    exit = models.ForeignKey(Exit, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.text


class CalendarFeed(OrgOwned):
    """A user's private calendar subscription. Only the token's hash is stored; revoking deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
