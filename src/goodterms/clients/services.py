"""Writes for clients and contacts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goodterms.clients.models import Client, Contact


def client_archive(*, client: Client) -> None:
    client.archived_at = timezone.now()
    client.save(update_fields=["archived_at", "updated_at"])


def client_unarchive(*, client: Client) -> None:
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])


def contact_save(*, contact: Contact) -> Contact:
    """Saves a contact; a client has at most one primary contact, so marking one unmarks the others."""
    with transaction.atomic():
        contact.save()
        if contact.is_primary:
            contact.client.contacts.exclude(pk=contact.pk).filter(is_primary=True).update(is_primary=False)
    return contact
