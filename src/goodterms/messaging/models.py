"""Messages to the people at a client, their templates, and the outbox that sends them.

A message always has exactly one recipient: the practice is to say goodbye to each person, never "Hi all".
Sending goes through the outbox (outbox.py): the message and its outbox row are written in one transaction,
and a worker claims the row with a lease, so a message is never lost and never sent twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from goodterms.accounts.orgscope import OrgOwned
from goodterms.lib.vocabulary import Channel, MessageKind

# The longest subject and message goodterms keeps; longer ones are refused with the limit named, never cut.
SUBJECT_MAX = 300
BODY_MAX = 50_000


class MessageTemplate(OrgOwned):
    """An organization's own version of a kind's template; without one, the shipped default is used."""

    kind = models.CharField(max_length=30, choices=MessageKind.choices())
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="one_template_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} template"


class Message(OrgOwned):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        HELD = "held", "Held until the call"  # a notice waits until the plan's call step is done
        QUEUED = "queued", "Sending"  # in the outbox, due now (shown "Scheduled" while send_at is ahead)
        SENDING = "sending", "Sending"  # a worker holds it
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"  # the server refused it for good
        UNCERTAIN = "uncertain", "Uncertain"  # the worker died after the server may have accepted it
        SENT_BY_HAND = "sent-by-hand", "Sent from your mailbox"
        CALLED = "called", "Called instead"
        CANCELLED = "cancelled", "Cancelled"

    exit = models.ForeignKey(
        "exits.Exit", on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    step = models.ForeignKey(
        "exits.ExitStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(max_length=30, choices=MessageKind.choices())
    # A message is an email, or the talking points of a call made instead.
    channel = models.CharField(
        max_length=10, choices=Channel.choices(Channel.EMAIL, Channel.CALL), default=Channel.EMAIL
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # Exactly one recipient, by construction: one name and one address, never a list.
    to_name = models.CharField(max_length=200)
    to_email = models.CharField(max_length=254, blank=True)  # checked by lib.checks, as Contact.email
    from_name = models.CharField(max_length=200, blank=True)
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=SUBJECT_MAX, blank=True)
    body = models.TextField(blank=True)
    # Assigned when the message is queued and reused on every retry, so a resend is recognisably the same.
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    send_at = models.DateTimeField(
        null=True, blank=True, help_text="When to send; empty: as soon as possible."
    )
    held_reason = models.CharField(max_length=300, blank=True)
    send_anyway = models.BooleanField(default=False, help_text="Sent although the tone coach found errors.")
    send_anyway_errors = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Exactly what the mail server was given in RCPT TO (the domain in IDNA 2008 ASCII form), as the message's
    # history then shows it: "sent to" means this address, byte for byte.
    sent_to = models.CharField(max_length=320, blank=True)
    # The template fields this draft was made from (their labels), shown in the editor: so the user sees what
    # of a contact's record went into it, and that private notes never did.
    fields_used = models.JSONField(default=list, blank=True)
    replied_at = models.DateTimeField(
        null=True, blank=True, help_text="Marked by hand: replies are not read."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "exit", "state"])]
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One message of each kind per person and exit, whatever the clicks: drafting for everyone twice
            # at once (a double click, two tabs) makes one draft each. A cancelled one makes room for another.
            # Check-ins recur after the end (aftercare's touchpoints, each drafting its own, once: the
            # touchpoint's claim and its one-to-one link to the draft see to that).
            models.UniqueConstraint(
                fields=["exit", "contact", "kind"],
                condition=~models.Q(state="cancelled")  # Message.State.CANCELLED
                & ~models.Q(kind=MessageKind.CHECK_IN.value)
                & models.Q(exit__isnull=False, contact__isnull=False),
                name="one_open_message_per_person_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_name}"

    @property
    def is_scheduled(self) -> bool:
        return self.state == self.State.QUEUED and self.send_at is not None and self.send_at > timezone.now()

    @property
    def state_label(self) -> str:
        """The one name of where the message stands, on every page: the board, the editor, the history."""
        if self.replied_at is not None:
            return "Replied"
        if self.is_scheduled:
            return "Scheduled"
        return str(self.get_state_display())

    @property
    def state_key(self) -> str:
        """state_label as a CSS class and a test's word: "scheduled", "sent-by-hand", "replied"."""
        if self.replied_at is not None:
            return "replied"
        return "scheduled" if self.is_scheduled else str(self.state)


# The states a user can still change (edit, send, cancel), the ones that count as "done" for the plan, and
# the ones still waiting to be done.
EDITABLE_STATES = (Message.State.DRAFT, Message.State.HELD, Message.State.FAILED)
DONE_STATES = (Message.State.SENT, Message.State.SENT_BY_HAND, Message.State.CALLED)
OPEN_STATES = (
    Message.State.DRAFT,
    Message.State.HELD,
    Message.State.QUEUED,
    Message.State.SENDING,
    Message.State.FAILED,
    Message.State.UNCERTAIN,
)


class Outbox(OrgOwned):
    """One message waiting to be sent. Workers claim rows with a lease by a conditional UPDATE."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        LEASED = "leased", "Leased"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        UNCERTAIN = "uncertain", "Uncertain"

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="outbox")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    # Set when a worker claims the row; another worker may take it over only once the lease has run out.
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=100, blank=True)
    # Set just before the SMTP DATA is sent: a lease that runs out after this point may have been delivered.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Outbox row for message {self.message_id}"


class MessageEvent(OrgOwned):
    """What happened to a message (drafted, edited, queued, attempts, sent, failed), for its history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text
