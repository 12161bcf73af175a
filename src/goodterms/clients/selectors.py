"""Reads for clients and contacts. Each list runs a fixed number of queries whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db import router
from django.db.models import Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.deletion import Collector

from goodterms.accounts.models import Organization
from goodterms.accounts.orgscope import across_orgs, scoped
from goodterms.clients import importing
from goodterms.clients.models import Client, Contact, ImportBatch, ImportLayout

PAGE_SIZE = 50
# A search of up to this many characters matches the start of names and emails; a longer one, anywhere.
PREFIX_SEARCH_UP_TO = 2


class _CountRows(Func):
    """COUNT(*) that Django does not treat as an aggregate, so a subquery using it gets no GROUP BY."""

    template = "COUNT(*)"
    output_field = IntegerField()


def client_list(
    *, org: Organization, q: str = "", status: str = "", tag: str = "", archived: bool = False
) -> QuerySet[Client]:
    clients = scoped(Client, org).filter(archived_at__isnull=not archived)
    if status:
        clients = clients.filter(status=status)
    if tag:
        # Tags are stored "a, b, c": match a whole tag, not a fragment of one.
        clients = clients.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag}, ")
            | Q(tags__endswith=f", {tag}")
            | Q(tags__contains=f", {tag}, ")
        )
    q = q.strip()
    if q and len(q) <= PREFIX_SEARCH_UP_TO:
        # One or two letters: client names, companies, contact names and emails that *start* with them.
        # Anywhere in the text, two letters match most of 20,000 names and no index helps; a prefix is a
        # range in an index (migration 0008's btree indexes for clients, 0003's trigram ones for contacts,
        # on PostgreSQL). The ids come as one UNION of the two index scans: an OR over the clients made
        # PostgreSQL read every client and UPPER() each name (150 ms instead of 30). Tags are left to the
        # tag filter. The page's hint says all this in words.
        by_name = scoped(Client, org).filter(Q(name__istartswith=q) | Q(company__istartswith=q)).values("pk")
        by_contact = (
            scoped(Contact, org).filter(Q(name__istartswith=q) | Q(email__istartswith=q)).values("client_id")
        )
        clients = clients.filter(pk__in=by_name.union(by_contact))
    elif q:
        # One pass over the organization's contacts, not a correlated EXISTS per client: SQLite without
        # statistics ran that EXISTS through the organization index, reading every contact once per client.
        matching_contacts = scoped(Contact, org).filter(Q(name__icontains=q) | Q(email__icontains=q))
        clients = clients.filter(
            Q(name__icontains=q)
            | Q(company__icontains=q)
            | Q(tags__icontains=q)
            | Q(pk__in=matching_contacts.values("client_id"))
        )
    # The contact count is a correlated subquery, not annotate(Count("contacts")): the join and GROUP BY
    # made every page aggregate all of the organization's contacts before its LIMIT, and Paginator.count
    # did it once more. The subquery runs for the rows on the page only (SQLite skips OFFSET rows before
    # computing it; PostgreSQL computes it for them too, but from the client_id index alone), and count()
    # leaves it out. Like Count("contacts"), it follows the client foreign key alone: the client is
    # already the organization's, and an extra organization filter only slows the lookup.
    contacts_of_client = (
        across_orgs(Contact).filter(client=OuterRef("pk")).order_by().annotate(n=_CountRows())
    )
    return clients.annotate(contact_count=Subquery(contacts_of_client.values("n"))).order_by("name", "pk")


def client_contacts(*, client: Client) -> QuerySet[Contact]:
    return client.contacts.order_by("-is_primary", "name", "pk")


def primary_contacts(*, org: Organization, clients: list[Client]) -> dict[int, Contact]:
    """The primary contact of each client on a page, in one query. A client without one has no entry: the
    list says so rather than showing someone who is not primary."""
    contacts = scoped(Contact, org).filter(client__in=clients, is_primary=True).order_by("client_id", "pk")
    result: dict[int, Contact] = {}
    for contact in contacts:
        result.setdefault(contact.client_id, contact)
    return result


def contact_with_email(*, org: Organization, email: str, exclude_pk: int | None = None) -> Contact | None:
    """The organization's contact with this email (any case), other than `exclude_pk`, with its client."""
    contacts = scoped(Contact, org).filter(email__iexact=email).select_related("client").order_by("pk")
    if exclude_pk is not None:
        contacts = contacts.exclude(pk=exclude_pk)
    return contacts.first()


def import_existing(*, org: Organization) -> importing.Existing:
    """The organization's clients and contacts as plain values, in two queries whatever their number."""
    clients: dict[str, importing.ExistingClient] = {}
    shared: set[str] = set()
    for pk, name, archived_at in scoped(Client, org).order_by("pk").values_list("pk", "name", "archived_at"):
        key = name.strip().casefold()
        if key in clients:
            shared.add(key)
        else:
            clients[key] = importing.ExistingClient(pk=pk, name=name, archived=archived_at is not None)
    emails: dict[str, str] = {}
    names: set[tuple[int, str]] = set()
    contacts = scoped(Contact, org).order_by("pk").values_list("client_id", "name", "email", "client__name")
    for client_id, name, email, client_name in contacts:
        if email:
            emails.setdefault(email.casefold(), client_name)
        names.add((client_id, name.strip().casefold()))
    return importing.Existing(
        clients=clients, shared_names=frozenset(shared), emails=emails, contact_names=frozenset(names)
    )


def import_source(*, batch: ImportBatch) -> importing.Source:
    """The batch's rows in the one shape both formats share (parsing only; no query)."""
    return importing.read_source(
        file_format=batch.format,
        text=batch.text,
        delimiter=batch.delimiter,
        mapping=importing.mapping_from_json(batch.mapping),
        default_client=batch.default_client,
    )


def import_preview(
    *, org: Organization, batch: ImportBatch, leave_out: frozenset[int] = frozenset()
) -> importing.Preview:
    """Every problem and duplicate in `org`'s batch, against what the organization has now; the rows that
    start on a line in `leave_out` are left out, as if the file did not have them."""
    if batch.organization_id != org.pk:
        raise ValueError("the batch belongs to another organization")
    source = import_source(batch=batch)
    if leave_out:
        source = importing.Source(
            tuple(row for row in source.rows if row.line not in leave_out), source.columns
        )
    return importing.build_preview(source, import_existing(org=org))


def import_left_out_rows(
    *, batch: ImportBatch, reasons: Mapping[int, str]
) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a file of the rows left out (line -> why): a CSV's own columns and cells, so
    the corrected file is the same layout; for vCards, the line and what the card says."""
    why = importing.WHY_HEADER
    if batch.format == ImportBatch.Format.CSV:
        table = importing.parse_csv(batch.text, batch.delimiter or ",")
        width = len(table.header)
        rows = [
            [*record.cells[:width], *[""] * (width - len(record.cells)), reasons[record.line]]
            for record in table.records
            if record.line in reasons
        ]
        return [*table.header, why], rows
    keys = ("client_name", "contact_name", "email", "phone", "role")
    header = ["Line", *(field.label for field in importing.FIELDS if field.key in keys), why]
    rows = [
        [str(row.line), *(row.values.get(key, "") for key in keys), reasons[row.line]]
        for row in import_source(batch=batch).rows
        if row.line in reasons
    ]
    return header, rows


def import_touched_rows(*, org: Organization, batch: ImportBatch) -> list[str]:
    """What changed since the batch's rows were written, in words ([] when it can be undone): a contact or
    client edited, a contact added at a client it created, or anything else that refers to them (an exit, a
    message, a note)."""
    written = batch.written_at
    contacts = list(scoped(Contact, org).filter(import_batch=batch).select_related("client"))
    clients = list(scoped(Client, org).filter(import_batch=batch))
    found: list[str] = []
    for contact in contacts:
        if written is not None and contact.updated_at > written:
            found.append(f"{contact.name} at {contact.client.name} was edited after the import.")
    for client in clients:
        if written is not None and client.updated_at > written:
            found.append(f"{client.name} was edited after the import.")
    added = (
        scoped(Contact, org)
        .filter(client__in=[client.pk for client in clients])
        .exclude(import_batch=batch)
        .select_related("client")
        .order_by("pk")
    )
    found.extend(f"{contact.name} was added to {contact.client.name} after the import." for contact in added)
    collector = Collector(using=router.db_for_write(Contact))
    for rows in (contacts, clients):  # one model per call
        if rows:
            collector.collect(rows)
    ours = {Client, Contact}
    others: dict[str, int] = {}
    for model, instances in collector.data.items():
        if model not in ours and instances:
            others[str(model._meta.verbose_name_plural)] = len(instances)
    for queryset in collector.fast_deletes:
        if queryset.model not in ours and queryset.exists():
            name = str(queryset.model._meta.verbose_name_plural)
            others[name] = others.get(name, 0) + queryset.count()
    updates: dict[Any, list[Any]] = collector.field_updates  # (field, value) -> querysets or lists of rows
    for (field, _value), batches in updates.items():
        count = sum(len(objs) for objs in batches)
        if field.model not in ours and count:
            name = str(field.model._meta.verbose_name_plural)
            others[name] = others.get(name, 0) + count
    found.extend(
        f"{count:,} {name} now refer to the imported clients or contacts." for name, count in others.items()
    )
    return found


def import_layout(*, org: Organization, header: tuple[str, ...] | list[str]) -> ImportLayout | None:
    """The mapping the organization chose last time for a file with this header row, if any."""
    return scoped(ImportLayout, org).filter(header_hash=importing.header_hash(header)).first()


def import_empty_columns(*, batch: ImportBatch) -> frozenset[int]:
    """The columns of a CSV batch empty in every row (parses the whole file)."""
    return importing.empty_columns(importing.parse_csv(batch.text, batch.delimiter or ","))


def import_csv_sample(*, batch: ImportBatch, rows: int = 3) -> importing.CsvTable:
    """The header and the first few records, for the mapping page (parses only the start of the file)."""
    return importing.parse_csv(batch.text, batch.delimiter or ",", limit=rows)


# --- export: one query each, read in chunks (on PostgreSQL through a server-side cursor) ---

CHUNK_SIZE = 2000  # rows fetched per round trip; on PostgreSQL through a server-side cursor

# The values of the columns of goodterms.clients.exporting.CSV_HEADER, in its order. `contacts__…` joins
# the contacts LEFT, so a client without contacts still gives one row, with empty (None) contact columns.
CSV_FIELDS = (
    "name",
    "company",
    "status",
    "start_date",
    "tags",
    "notes",
    "contacts__name",
    "contacts__email",
    "contacts__phone",
    "contacts__other_emails",
    "contacts__other_phones",
    "contacts__role",
    "contacts__preferred_channel",
    "contacts__is_primary",
    "contacts__together_notes",
    "contacts__private_notes",
)


def export_rows(*, org: Organization, clients: QuerySet[Client]) -> Iterator[tuple[Any, ...]]:
    """One row per contact, and one for each client without contacts: one query, read in chunks."""
    rows = (
        scoped(Client, org)
        .filter(pk__in=clients.values("pk"))
        # Joined on client_id alone: a contact always shares its client's organization. An extra
        # "AND contact.organization_id = …" in the join made SQLite scan all the organization's contacts
        # for every client (30 s instead of 0.1 s for 20,000 contacts).
        .order_by("name", "pk", "-contacts__is_primary", "contacts__name", "contacts__pk")
        .values_list(*CSV_FIELDS)
    )
    yield from rows.iterator(chunk_size=CHUNK_SIZE)


def export_contacts(*, org: Organization, clients: QuerySet[Client]) -> Iterator[Contact]:
    """The contacts of the listed clients, each with its client: one query, read in chunks."""
    contacts = (
        scoped(Contact, org)
        .filter(client__in=clients.values("pk"))
        .select_related("client")
        .order_by("client__name", "client__pk", "-is_primary", "name", "pk")
    )
    yield from contacts.iterator(chunk_size=CHUNK_SIZE)


def contact_data(*, org: Organization, contact: Contact) -> dict[str, Any]:
    """Everything goodterms keeps about one person, as plain values, for their export (a subject access
    request): the contact, their client, and what the apps above keep (clients/signals.py)."""
    from goodterms.clients.signals import contact_data_requested

    data: dict[str, Any] = {
        "contact": {
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "role": contact.role,
            "preferred_channel": contact.preferred_channel,
            "primary": contact.is_primary,
            "what_we_did_together": contact.together_notes,
            "other_emails": contact.other_emails.splitlines(),
            "other_phones": contact.other_phones.splitlines(),
            "added_at": contact.created_at.isoformat(),
        },
        "client": {"name": contact.client.name, "company": contact.client.company},
    }
    for _receiver, answer in contact_data_requested.send(sender=Contact, organization=org, contact=contact):
        part: Any = answer  # each receiver returns a dict (the signal's stubs say str)
        if isinstance(part, dict):
            data.update(part)
    return data
