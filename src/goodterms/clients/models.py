"""Clients and the people who work there."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from goodterms.accounts.orgscope import OrgOwned


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
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "archived_at", "name"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(", ") if tag]


def normalize_tags(raw: str) -> str:
    """'Design; retainer, design' -> 'design, retainer': lower case, unique, sorted, commas between."""
    parts = {part.strip().lower() for part in raw.replace(";", ",").split(",")}
    return ", ".join(sorted(part for part in parts if part))


class Contact(OrgOwned):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    role = models.CharField("role or title", max_length=200, blank=True)
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    is_primary = models.BooleanField("primary contact", default=False)
    together_notes = models.TextField(
        "what we did together", blank=True, help_text="Used later to make each goodbye personal."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "email"]),
            models.Index(fields=["client", "name"]),
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(OrgOwned):
    """An uploaded file waiting between upload, mapping, preview and commit. Nothing is written before commit."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        VCARD = "vcard", "vCard"

    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=5, choices=Format.choices)
    text = models.TextField()
    mapping = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    committed_at = models.DateTimeField(null=True, blank=True)
    rows_written = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.filename
