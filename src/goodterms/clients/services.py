"""Writes for clients and contacts, and the import that writes many at once.

Every change that an exit's plan depends on (a contact added, changed or removed; the contract's notice)
sends `signals.client_facts_changed`, so the exits app plans that client's running exit again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from goodterms.accounts.models import Organization, User
from goodterms.accounts.orgscope import scoped
from goodterms.accounts.securitylog import security_event
from goodterms.clients import exporting, importing, selectors
from goodterms.clients.models import Client, Contact, ImportBatch, ImportLayout
from goodterms.clients.signals import client_facts_changed, contact_forgetting
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import SecurityEvent


def _facts_changed(org: Organization, client_ids: Iterable[int]) -> None:
    client_facts_changed.send(sender=Client, organization=org, client_ids=sorted(set(client_ids)))


def client_create(*, org: Organization, client: Client) -> Client:
    """Save a new client (an unsaved instance, as a form made it) in `org`."""
    client.organization = org
    client.save()
    return client


def client_update(*, client: Client) -> Client:
    """Save the client's changed fields; a changed contract notice re-plans its running exit."""
    with transaction.atomic():
        stored = scoped(Client, client.organization).filter(pk=client.pk)
        notice_before = stored.values_list("contract_notice_days", flat=True).first()
        client.save()
        if notice_before != client.contract_notice_days:
            _facts_changed(client.organization, [client.pk])
    return client


def client_archive(*, client: Client) -> None:
    client.archived_at = timezone.now()
    client.save(update_fields=["archived_at", "updated_at"])


def client_unarchive(*, client: Client) -> None:
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])


def _contact_save(contact: Contact) -> Contact:
    """A client has at most one primary contact, so marking one unmarks the others."""
    with transaction.atomic():
        contact.save()
        if contact.is_primary:
            scoped(Contact, contact.organization).filter(client=contact.client_id, is_primary=True).exclude(
                pk=contact.pk
            ).update(is_primary=False)
        _facts_changed(contact.organization, [contact.client_id])
    return contact


def contact_make_primary(*, contact: Contact) -> None:
    """Make this person the client's primary contact (the one the notice and the call go to unless the user
    chooses someone else); the client's other contacts stop being primary."""
    with transaction.atomic():
        contacts = scoped(Contact, contact.organization).filter(client=contact.client_id)
        contacts.filter(is_primary=True).exclude(pk=contact.pk).update(is_primary=False)
        contacts.filter(pk=contact.pk).update(is_primary=True)
        contact.is_primary = True
        _facts_changed(contact.organization, [contact.client_id])


def contact_create(*, client: Client, contact: Contact) -> Contact:
    """Save a new contact (an unsaved instance, as a form made it) at `client`."""
    contact.organization = client.organization
    contact.client = client
    return _contact_save(contact)


def contact_update(*, contact: Contact) -> Contact:
    """Save the contact's changes. Having edited it, the user has seen where its notes went."""
    contact.notes_moved = False
    return _contact_save(contact)


def contact_delete(*, contact: Contact) -> None:
    """Forget the person: the apps above clear what they keep about them first (their unsent messages are
    cancelled, their name and address leave messages, histories and the plan), then the contact goes."""
    with transaction.atomic():
        org = contact.organization
        contact_forgetting.send(sender=Contact, organization=org, contact=contact)
        pk = contact.pk
        contact.delete()
        _facts_changed(org, [contact.client_id])
        security_event(SecurityEvent.CONTACT_ERASED, org=org, contact=pk, client=contact.client_id)


# --- import -------------------------------------------------------------------------------------------

BULK_BATCH_SIZE = 1000
# Files uploaded and never imported are not kept for ever: they hold people's details (jobs.py deletes them).
STALE_IMPORT = timedelta(days=7)


class ImportNotPossible(Refused):
    """The commit was refused and nothing was written; `message` says why."""

    def __init__(self, message: str, *, already_committed: bool = False) -> None:
        super().__init__(message)
        self.already_committed = already_committed


def import_upload(
    *, org: Organization, user: User, filename: str, data: bytes, default_client: str = ""
) -> ImportBatch:
    """Reads and checks the file (ImportFileError when it cannot be imported); keeps it for the next steps."""
    uploaded = importing.read_upload(filename, data)
    mapping: dict[int, str] = {}
    if uploaded.format == ImportBatch.Format.CSV:
        mapping = importing.guess_mapping(uploaded.header, uploaded.empty_columns)
        layout = selectors.import_layout(org=org, header=uploaded.header)
        if layout is not None:  # the same layout as before: the columns the user chose then
            remembered = importing.mapping_from_json(layout.mapping)
            mapping = {index: key for index, key in remembered.items() if index < len(uploaded.header)}
    return scoped(ImportBatch, org).create(
        created_by=user,
        filename=filename[: ImportBatch._meta.get_field("filename").max_length or 255],
        format=uploaded.format,
        text=uploaded.text,
        delimiter=uploaded.delimiter,
        mapping=importing.mapping_to_json(mapping),
        default_client=default_client.strip() if uploaded.format == ImportBatch.Format.VCARD else "",
    )


def import_set_mapping(*, batch: ImportBatch, mapping: dict[int, str], header: tuple[str, ...]) -> None:
    """Keep the user's mapping for the batch, and for the next file with the same header row."""
    batch.mapping = importing.mapping_to_json(mapping)
    with transaction.atomic():
        batch.save(update_fields=["mapping"])
        scoped(ImportLayout, batch.organization).update_or_create(
            header_hash=importing.header_hash(header),
            defaults={"mapping": batch.mapping, "updated_at": timezone.now()},
        )


def import_set_default_client(*, batch: ImportBatch, name: str) -> None:
    batch.default_client = name.strip()
    batch.save(update_fields=["default_client"])


def import_commit(*, batch: ImportBatch, user: User, good_rows_only: bool = False) -> dict[str, int]:
    """Writes every row of the batch or none, once. With `good_rows_only`, the user chose to leave out the
    rows with problems: every other row is written (all or none, still), and the rows left out are kept as a
    CSV with the reason for each (`batch.rejected_csv`), for the user to download, correct and upload.

    The batch is claimed first with `UPDATE … SET committed_at WHERE committed_at IS NULL`: a second commit of
    the same batch (double click, back button, two tabs) updates no row and is refused. The rows are checked
    again inside the transaction, against the organization as it is now; any problem rolls everything back,
    the claim included. Contacts whose email is already in the organization are skipped and counted; two
    imports of one organization run one after the other, so two uploads of one file write it once too.
    """
    org = user.organization
    if org is None or org.pk != batch.organization_id:
        raise ValueError("the batch belongs to another organization")
    with transaction.atomic():
        # One import at a time per organization (PostgreSQL: the row lock; SQLite: its write lock), so the
        # second of two uploads of the same file sees the first's clients and contacts and skips them.
        Organization.objects.select_for_update().filter(pk=org.pk).values_list("pk", flat=True).first()
        claimed = (
            scoped(ImportBatch, org)
            .filter(pk=batch.pk, committed_at__isnull=True)
            .update(committed_at=timezone.now())
        )
        if claimed != 1:
            raise ImportNotPossible("This file has already been imported.", already_committed=True)
        preview = selectors.import_preview(org=org, batch=batch)
        rejected_csv, left_out_count = "", 0
        if preview.problems and good_rows_only:
            reasons: dict[int, list[str]] = {}
            for problem in preview.problems:
                reasons.setdefault(problem.line, []).append(
                    f"{problem.where}: {problem.message}" if problem.where else problem.message
                )
            header, left_out = selectors.import_left_out_rows(
                batch=batch, reasons={line: " ".join(why) for line, why in reasons.items()}
            )
            rejected_csv, left_out_count = exporting.rows_csv(header, left_out), len(left_out)
            preview = selectors.import_preview(org=org, batch=batch, leave_out=frozenset(reasons))
        if preview.problems:
            count = len(preview.problems)
            raise ImportNotPossible(
                f"Nothing was imported: {count:,} problem{'' if count == 1 else 's'} must be fixed first."
            )
        if not preview.to_write and not preview.new_clients:
            raise ImportNotPossible("Nothing was imported: every row is already in goodterms.")
        client_ids = {key: found.pk for key, found in preview.existing_clients.items()}
        created = scoped(Client, org).bulk_create(
            [
                Client(
                    name=new.name,
                    company=new.company,
                    status=new.status,
                    start_date=new.start_date,
                    tags=new.tags,
                    notes=new.notes,
                    import_batch=batch,
                )
                for new in preview.new_clients
            ],
            batch_size=BULK_BATCH_SIZE,
        )
        for new, client in zip(preview.new_clients, created, strict=True):
            if client.pk is None:  # every supported database returns the new ids; say so if one does not
                raise RuntimeError("bulk_create returned no primary keys")
            client_ids[new.key] = client.pk
        rows = preview.to_write
        # A client has one primary contact: an imported primary replaces the old one (as contact_save does).
        # Only existing clients have an old one; the ids go in slices to stay under SQLite's parameter limit.
        replaced = sorted(
            {
                client_ids[row.client_key]
                for row in rows
                if row.line in preview.primary_lines and row.client_key in preview.existing_clients
            }
        )
        unmarked: list[int] = []
        for start in range(0, len(replaced), BULK_BATCH_SIZE):
            old_primaries = scoped(Contact, org).filter(
                client_id__in=replaced[start : start + BULK_BATCH_SIZE], is_primary=True
            )
            unmarked.extend(old_primaries.values_list("pk", flat=True))
            old_primaries.update(is_primary=False)
        scoped(Contact, org).bulk_create(
            [
                Contact(
                    client_id=client_ids[row.client_key],
                    name=row.contact.name,
                    email=row.contact.email,
                    phone=row.contact.phone,
                    role=row.contact.role,
                    preferred_channel=row.contact.preferred_channel,
                    is_primary=row.line in preview.primary_lines,
                    together_notes=row.contact.together_notes,
                    private_notes=row.contact.private_notes,
                    other_emails=row.contact.other_emails,
                    other_phones=row.contact.other_phones,
                    import_batch=batch,
                )
                for row in rows
                if row.contact is not None
            ],
            batch_size=BULK_BATCH_SIZE,
        )
        # New contacts at existing clients change those clients' running plans.
        _facts_changed(
            org,
            {client_ids[row.client_key] for row in rows if row.contact is not None}
            & {found.pk for found in preview.existing_clients.values()},
        )
        stats = preview.stats()
        stats["left_out"] = left_out_count
        # The file itself is no longer needed once imported: keep the record, not the people's details twice.
        scoped(ImportBatch, org).filter(pk=batch.pk).update(
            rows_written=stats["contacts"] + stats["new_clients"],
            stats=stats,
            text="",
            written_at=timezone.now(),
            rejected_csv=rejected_csv,
            replaced_primaries=unmarked,
        )
    return stats


class UndoRefused(Refused):
    """The import cannot be undone; `message` names what changed since."""


def import_undo(*, batch: ImportBatch, user: User) -> int:
    """Delete what a batch created, while nobody has touched it since: returns how many rows went.

    Refused (UndoRefused, nothing deleted) when a row of the import was edited, a contact was added to one
    of its clients, or anything else (an exit, a message) refers to one of them: the message names them.
    Contacts that stopped being primary because of the import are primary again if their client has none.
    """
    org = user.organization
    if org is None or org.pk != batch.organization_id:
        raise ValueError("the batch belongs to another organization")
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=org.pk).values_list("pk", flat=True).first()
        fresh = scoped(ImportBatch, org).select_for_update().get(pk=batch.pk)
        if fresh.committed_at is None or fresh.written_at is None:
            raise UndoRefused("This file has not been imported, so there is nothing to undo.")
        if fresh.undone_at is not None:
            raise UndoRefused("This import was already undone.")
        touched = selectors.import_touched_rows(org=org, batch=fresh)
        if touched:
            shown = touched[:10]
            more = f" And {len(touched) - 10:,} more." if len(touched) > 10 else ""
            raise UndoRefused(
                "The import cannot be undone, because its rows have changed since: "
                + " ".join(shown)
                + more
                + " Delete or change those yourself instead."
            )
        contacts = scoped(Contact, org).filter(import_batch=fresh)
        clients = scoped(Client, org).filter(import_batch=fresh)
        at_existing = set(contacts.exclude(client__import_batch=fresh).values_list("client_id", flat=True))
        removed = contacts.count() + clients.count()
        contacts.delete()
        clients.delete()
        for pk in fresh.replaced_primaries:
            old = scoped(Contact, org).filter(pk=pk).first()
            if (
                old is not None
                and not scoped(Contact, org).filter(client=old.client_id, is_primary=True).exists()
            ):
                scoped(Contact, org).filter(pk=pk).update(is_primary=True)
        scoped(ImportBatch, org).filter(pk=fresh.pk).update(undone_at=timezone.now())
        _facts_changed(org, at_existing)
    return removed
