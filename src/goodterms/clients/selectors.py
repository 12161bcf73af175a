"""Reads for clients and contacts. Each list runs a fixed number of queries whatever the page size."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import scoped
from goodterms.clients.models import Client, Contact

PAGE_SIZE = 50


def client_list(*, org: Organization, q: str = "", status: str = "", tag: str = "", archived: bool = False
                ) -> QuerySet[Client]:
    clients = scoped(Client, org).filter(archived_at__isnull=not archived)
    if status:
        clients = clients.filter(status=status)
    if tag:
        # Tags are stored "a, b, c": match a whole tag, not a fragment of one.
        clients = clients.filter(Q(tags=tag) | Q(tags__startswith=f"{tag}, ") | Q(tags__endswith=f", {tag}")
                                 | Q(tags__contains=f", {tag}, "))
    q = q.strip()
    if q:
        matching_contacts = scoped(Contact, org).filter(client=OuterRef("pk")).filter(
            Q(name__icontains=q) | Q(email__icontains=q)
        )
        clients = clients.filter(
            Q(name__icontains=q) | Q(company__icontains=q) | Q(tags__icontains=q) | Exists(matching_contacts)
        )
    return clients.annotate(contact_count=Count("contacts")).order_by("name", "pk")


def client_contacts(*, client: Client) -> QuerySet[Contact]:
    return client.contacts.order_by("-is_primary", "name", "pk")


def primary_contacts(*, org: Organization, clients: list[Client]) -> dict[int, Contact]:
    """The primary (or first) contact of each client on a page, in one query."""
    result: dict[int, Contact] = {}
    contacts = scoped(Contact, org).filter(client__in=clients).order_by("client_id", "-is_primary", "name", "pk")
    for contact in contacts:
        result.setdefault(contact.client_id, contact)
    return result
