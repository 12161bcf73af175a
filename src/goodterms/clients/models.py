"""Clients and the people who work there."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from goodterms.accounts.orgscope import OrgOwned
from goodterms.lib.vocabulary import PreferredChannel


class Client(OrgOwned):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDING = "ending", "Ending"
        ENDED = "ended", "Ended"
        ALUMNI = "alumni", "Alumni"

    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    start_date = models.DateField(null=True, blank=True)
    # Tags are kept as one normalised, comma-separated string: enough to filter by, and simple to import.
    tags = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    contract_notice_days = models.PositiveSmallIntegerField(
        "notice in the contract (days)",
        null=True,
        blank=True,
        help_text="When the contract sets a notice period, it overrides your usual notice rules.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The import that created the client, while it can still be undone (ImportBatch.undo).
    import_batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["organization", "archived_at", "name"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def exit_started(self) -> bool:
        """Ending, ended or alumni: an exit runs for this client (its status follows the exit)."""
        return self.status != self.Status.ACTIVE

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(", ") if tag]


def normalize_tags(raw: str) -> str:
    """'Design; retainer, design' -> 'design, retainer': lower case, unique, sorted, commas between."""
    parts = {part.strip().lower() for part in raw.replace(";", ",").split(",")}
    return ", ".join(sorted(part for part in parts if part))


class Contact(OrgOwned):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    # Text, not EmailField: Django's address check refuses a local part like josé@, which goodterms sends with
    # SMTPUTF8; the forms and the importer check addresses with goodterms.lib.checks instead.
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    role = models.CharField("role or title", max_length=200, blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=PreferredChannel.choices(), default=PreferredChannel.EMAIL
    )
    is_primary = models.BooleanField("primary contact", default=False)
    # Client-facing: goes into goodbyes and thank-yous as written ("working with you on …").
    together_notes = models.TextField(
        "what we did together",
        blank=True,
        help_text="The client may read this: goodbyes say “working with you on …” with it.",
    )
    # Only for the user: never in a message, a template field or anything a client sees.
    private_notes = models.TextField(
        "private notes", blank=True, help_text="Only for you. Never used in a message."
    )
    # Set when an upgrade moved imported notes out of "what we did together" (migration 0005), so the
    # contact's page can say so until the user edits the contact.
    notes_moved = models.BooleanField(default=False)
    # More addresses and numbers than the one goodterms writes to, as an address book exported them (Google's
    # "a@x ::: b@y", a second email column, a vCard's second EMAIL). Kept for the user, one a line; no message
    # is sent to them and no template can read them.
    other_emails = models.TextField(
        "other email addresses", blank=True, help_text="One a line. goodterms writes only to the email above."
    )
    other_phones = models.TextField("other phone numbers", blank=True, help_text="One a line.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The import that created the contact, while it can still be undone (ImportBatch.undo).
    import_batch = models.ForeignKey(
        "ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["organization", "email"]),
            models.Index(fields=["client", "name"]),
            # The client list reads contacts by organization and client (each row's primary contact) and
            # scans the organization's names and emails (search, without reading the table). SQLite picks
            # this index even without ANALYZE statistics; otherwise it took the organization index alone.
            # (On PostgreSQL, migration 0003 also adds trigram indexes for the search.)
            models.Index(fields=["organization", "client", "name", "email"]),
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(OrgOwned):
    """An uploaded file waiting between upload, mapping, preview and commit.

    Nothing is written before commit. A commit claims the batch by setting `committed_at` with a conditional
    UPDATE, so a second commit of the same batch (double click, back button) finds nothing to claim.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        VCARD = "vcard", "vCard"

    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=5, choices=Format.choices)
    text = models.TextField()
    # CSV: the delimiter found in the header line (",", ";" or a tab), and column index -> field key.
    delimiter = models.CharField(max_length=1, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    # vCard: the client for cards that name no organization (ORG), if the user gave one.
    default_client = models.CharField(max_length=Client._meta.get_field("name").max_length, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    committed_at = models.DateTimeField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)
    # After commit: what was written and skipped (importing.Preview.stats), for the message and the record.
    stats = models.JSONField(default=dict, blank=True)
    # When the rows were written: a row of this batch updated later has been changed since, so undo refuses.
    written_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    # The rows left out when the user chose to import only the good ones: a CSV with the reason per row.
    rejected_csv = models.TextField(blank=True)
    # Contacts that stopped being primary because an imported contact became its client's primary one.
    replaced_primaries = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.filename


class ImportLayout(OrgOwned):
    """The column mapping chosen for a CSV file layout (its header row), offered again on the next upload."""

    header_hash = models.CharField(max_length=64)  # importing.header_hash(header): SHA-256, hex
    mapping = models.JSONField(default=dict)  # column index -> field key, as ImportBatch.mapping
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "header_hash"], name="one_mapping_per_layout")
        ]

    def __str__(self) -> str:
        return self.header_hash[:12]
