"""Every row checked before anything is written: problems, duplicates, and what a commit would write.

`build_preview(source, existing)` checks each row of a Source against the forms' rules, the rest of the file
and what the organization already has, and returns a `Preview`: every problem (each one blocks the commit),
the warnings, the rows skipped as already in goodterms or repeated in the file, the new clients, and the
contacts to write. The commit (`clients.services.import_commit`) builds a fresh preview inside its
transaction and writes exactly that.

The one module of the importer that needs Django: each value goes through the web forms' own form fields (so
the model's max lengths and the single-line check apply exactly as when typed) and is then normalised as the
forms do (`normalize_email_address`, `normalize_tags`), so an import cannot store what the forms would refuse.
It runs no query: what the organization has arrives as plain values (`Existing`, loaded by
`clients.selectors.import_existing`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from goodterms.clients.forms import ClientForm, ContactForm
from goodterms.clients.importing.fields import (
    CLIENT_FIELDS,
    CONTACT_DETAIL_FIELDS,
    FIELD_LABELS,
    FIELDS,
    ImportField,
)
from goodterms.clients.importing.rows import Problem, Source, clip
from goodterms.clients.models import Client, normalize_tags
from goodterms.common.validators import normalize_email_address
from goodterms.lib.vocabulary import PreferredChannel

SAMPLE_ROWS = 200  # rows shown in the preview table; problems and duplicates are listed separately, in full


class Outcome(StrEnum):
    """What a commit does with a row."""

    CONTACT = "contact"  # a new contact, at a new or an existing client
    CLIENT_ONLY = "client-only"  # no contact on the row: only its client, if that is new
    EXISTING = "existing"  # skipped: the person is already in goodterms
    REPEATED = "repeated"  # skipped: an earlier row of the file has the same person
    ERROR = "error"  # the row has a problem: nothing at all is written until every problem is fixed

    @property
    def skipped(self) -> bool:
        return self in (Outcome.EXISTING, Outcome.REPEATED)

    @property
    def is_error(self) -> bool:
        return self is Outcome.ERROR


@dataclass(frozen=True)
class ExistingClient:
    pk: int
    name: str
    archived: bool


@dataclass(frozen=True)
class Existing:
    """What the organization already has, as plain values (loaded in a fixed number of queries)."""

    # casefolded name -> the client (the oldest, when several share a name)
    clients: Mapping[str, ExistingClient] = field(default_factory=dict)
    # casefolded names that more than one client has
    shared_names: frozenset[str] = frozenset()
    # casefolded email -> the name of the client the contact is at
    emails: Mapping[str, str] = field(default_factory=dict)
    # (client pk, casefolded contact name), to spot a person without an email imported twice
    contact_names: frozenset[tuple[int, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class NewClient:
    key: str
    line: int
    name: str
    company: str = ""
    status: str = Client.Status.ACTIVE
    start_date: date | None = None
    tags: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class NewContact:
    name: str
    email: str
    phone: str
    role: str
    preferred_channel: str
    is_primary: bool
    together_notes: str
    private_notes: str
    other_emails: str = ""
    other_phones: str = ""


@dataclass(frozen=True, slots=True)
class PreviewRow:
    line: int
    client_name: str
    client_key: str
    outcome: Outcome
    contact: NewContact | None
    detail: str = ""  # for skipped rows: why
    # For rows with problems: the contact's name and email as the file has them, so the user finds the row.
    raw_name: str = ""
    raw_email: str = ""
    # Every mapped field's value as the commit would store it (as found, for rows with problems): field key
    # -> text, for the preview's columns.
    shown: Mapping[str, str] = field(default_factory=dict)

    @property
    def skipped(self) -> bool:
        return self.outcome.skipped


@dataclass(frozen=True)
class Preview:
    rows: tuple[PreviewRow, ...]
    problems: tuple[Problem, ...]  # every one blocks the commit
    warnings: tuple[Problem, ...]
    new_clients: tuple[NewClient, ...]
    existing_clients: Mapping[str, ExistingClient]  # the existing clients rows attach contacts to
    primary_lines: frozenset[int]  # the rows whose contact becomes its client's primary contact
    # The fields the file fills (in FIELDS order; name parts as the contact name), for the preview's columns.
    fields: tuple[ImportField, ...] = ()

    @property
    def can_commit(self) -> bool:
        return not self.problems and bool(self.to_write or self.new_clients)

    @property
    def to_write(self) -> tuple[PreviewRow, ...]:
        return tuple(row for row in self.rows if row.outcome == Outcome.CONTACT)

    @property
    def skipped(self) -> tuple[PreviewRow, ...]:
        return tuple(row for row in self.rows if row.skipped)

    @property
    def error_lines(self) -> int:
        return len({problem.line for problem in self.problems})

    def stats(self) -> dict[str, int]:
        contacts = self.to_write
        return {
            "rows": len(self.rows),
            "contacts": len(contacts),
            "clients": len({row.client_key for row in contacts}),
            "new_clients": len(self.new_clients),
            "existing_clients": len({row.client_key for row in contacts} & set(self.existing_clients)),
            "new_clients_without_contacts": len(
                {client.key for client in self.new_clients} - {row.client_key for row in contacts}
            ),
            "skipped_existing": sum(row.outcome == Outcome.EXISTING for row in self.rows),
            "skipped_repeated": sum(row.outcome == Outcome.REPEATED for row in self.rows),
            "problems": len(self.problems),
        }

    @property
    def sample(self) -> tuple[PreviewRow, ...]:
        return self.rows[:SAMPLE_ROWS]

    def describe(self, row: PreviewRow) -> str:
        """What a commit does with the row, in words."""
        new_client = row.client_key not in self.existing_clients
        if row.outcome == Outcome.CONTACT:
            return "New contact at a new client" if new_client else "New contact"
        if row.outcome == Outcome.CLIENT_ONLY:
            return (
                "New client, no contact"
                if new_client
                else "Nothing: the client exists and the row has no contact"
            )
        if row.skipped:
            return f"Skipped: {row.detail}"
        return "Not imported: see the problems above"


# Accepted spellings -> stored value: the value or the label in any case, plus a few common variants.
_STATUSES: dict[str, str] = {str(value).casefold(): str(value) for value in Client.Status.values} | {
    str(label).casefold(): str(value) for value, label in Client.Status.choices
}
_CHANNELS: dict[str, str] = (
    {str(value).casefold(): str(value) for value in PreferredChannel.values()}
    | {str(label).casefold(): str(value) for value, label in PreferredChannel.choices()}
    | {
        "in-person": "in_person",
        "inperson": "in_person",
        "e-mail": "email",
        "telephone": "phone",
        "call": "phone",
    }
)


def _parse_status(value: str) -> str:
    try:
        return _STATUSES[value.casefold()]
    except KeyError:
        allowed = ", ".join(str(label) for _, label in Client.Status.choices)
        raise ValidationError(f"“{clip(value)}” is not a status; use one of {allowed}.") from None


def _parse_channel(value: str) -> str:
    try:
        return _CHANNELS[value.casefold()]
    except KeyError:
        allowed = ", ".join(str(label) for _, label in PreferredChannel.choices())
        raise ValidationError(f"“{clip(value)}” is not a channel; use one of {allowed}.") from None


_YES = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "primary"}
_NO = {"no", "n", "false", "f", "0", "-"}


def _parse_primary(value: str) -> bool:
    folded = value.casefold()
    if folded in _YES or folded in _NO:
        return folded in _YES
    raise ValidationError(f"“{clip(value)}” is not yes or no; use yes/no, true/false, 1/0, or x for yes.")


def _parse_date(value: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValidationError(
            f"“{clip(value)}” is not a date in the form YYYY-MM-DD (for example 2024-03-01). "
            f"In a spreadsheet, format the column as yyyy-mm-dd before saving."
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{value} is not a date in the calendar.") from None


class _Cleaner:
    """Each value through the same form field (and normaliser) the web forms use."""

    def __init__(self) -> None:
        client_fields = ClientForm().fields
        contact_fields = ContactForm().fields
        self.form_fields: dict[str, forms.Field] = {
            "client_name": client_fields["name"],
            "company": client_fields["company"],
            "tags": client_fields["tags"],
            "client_notes": client_fields["notes"],
            "contact_name": contact_fields["name"],
            "email": contact_fields["email"],
            "phone": contact_fields["phone"],
            "role": contact_fields["role"],
            "together_notes": contact_fields["together_notes"],
            "private_notes": contact_fields["private_notes"],
        }
        self.tags_max_length = Client._meta.get_field("tags").max_length

    def clean(self, key: str, raw: str) -> Any:
        if not raw.strip():
            return None if key == "start_date" else ""
        if key == "status":
            return _parse_status(raw.strip())
        if key == "start_date":
            return _parse_date(raw.strip())
        if key == "preferred_channel":
            return _parse_channel(raw.strip())
        if key == "is_primary":
            return _parse_primary(raw.strip())
        if key in ("other_emails", "other_phones"):
            # Kept for the user only, one a line: never a message's address, so not checked as one.
            return "\n".join(line.strip() for line in raw.splitlines() if line.strip())
        value: str = self.form_fields[key].clean(raw)
        if key == "email":
            return normalize_email_address(value)
        if key == "tags":
            value = normalize_tags(value)
            if self.tags_max_length is not None and len(value) > self.tags_max_length:
                raise ValidationError(
                    f"Ensure the tags have at most {self.tags_max_length} characters "
                    f"(they have {len(value)})."
                )
        return value


def build_preview(source: Source, existing: Existing) -> Preview:
    """Every row checked against the forms' rules, the file itself, and what the organization already has."""
    cleaner = _Cleaner()
    columns = source.columns
    problems: list[Problem] = []
    warnings: list[Problem] = []
    rows: list[PreviewRow] = []
    clients = _ClientTally(existing, warnings)
    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    primaries: dict[str, list[int]] = {}

    for source_row in source.rows:
        line = source_row.line
        row_problems = list(source_row.problems)
        warnings.extend(source_row.notes)
        if not source_row.readable:
            problems.extend(row_problems)
            rows.append(PreviewRow(line, "", "", Outcome.ERROR, None))
            continue
        clean: dict[str, Any] = {}
        for key, raw in source_row.values.items():
            if key in ("first_name", "middle_name", "last_name"):
                continue
            try:
                clean[key] = cleaner.clean(key, raw)
            except ValidationError as error:
                message = " ".join(str(m) for m in error.messages)
                row_problems.append(Problem(line, FIELD_LABELS[key], columns.get(key, ""), message))
        client_name = clean.get("client_name", "")
        contact_name = clean.get("contact_name", "")
        has_contact = bool(contact_name) or any(clean.get(key) for key in CONTACT_DETAIL_FIELDS)
        if not client_name and not any(p.field == FIELD_LABELS["client_name"] for p in row_problems):
            row_problems.append(
                Problem(
                    line,
                    FIELD_LABELS["client_name"],
                    columns.get("client_name", ""),
                    "The client name is empty; every row needs the client it belongs to.",
                )
            )
        if (
            has_contact
            and not contact_name
            and not any(p.field == FIELD_LABELS["contact_name"] for p in row_problems)
        ):
            row_problems.append(
                Problem(
                    line,
                    FIELD_LABELS["contact_name"],
                    columns.get("contact_name", ""),
                    "The contact name is empty, but the row has details of a contact; add the person's name.",
                )
            )
        client_key = client_name.strip().casefold()
        if client_key:
            clients.note(client_key, client_name, line, clean)
        if row_problems:
            problems.extend(row_problems)
            values = source_row.values
            rows.append(
                PreviewRow(
                    line,
                    client_name,
                    client_key,
                    Outcome.ERROR,
                    None,
                    raw_name=values.get("contact_name", ""),
                    raw_email=values.get("email", ""),
                    shown=_shown(values),
                )
            )
            continue
        if not has_contact:
            rows.append(
                PreviewRow(line, client_name, client_key, Outcome.CLIENT_ONLY, None, shown=_shown(clean))
            )
            continue
        contact = NewContact(
            name=contact_name,
            email=clean.get("email", ""),
            phone=clean.get("phone", ""),
            role=clean.get("role", ""),
            preferred_channel=clean.get("preferred_channel") or PreferredChannel.EMAIL,
            is_primary=bool(clean.get("is_primary")),
            together_notes=clean.get("together_notes", ""),
            private_notes=clean.get("private_notes", ""),
            other_emails=clean.get("other_emails", ""),
            other_phones=clean.get("other_phones", ""),
        )
        outcome, detail = _duplicate(
            contact, client_key, line, existing, clients.used, seen_emails, seen_names
        )
        rows.append(PreviewRow(line, client_name, client_key, outcome, contact, detail, shown=_shown(clean)))
        if outcome == Outcome.CONTACT and contact.is_primary:
            primaries.setdefault(client_key, []).append(line)

    primary_lines = set()
    for client_key, lines in primaries.items():
        primary_lines.add(lines[-1])
        if len(lines) > 1:
            name = clients.name(client_key)
            earlier = ", ".join(str(n) for n in lines[:-1])
            last = lines[-1]
            warnings.append(
                Problem(
                    lines[-1],
                    FIELD_LABELS["is_primary"],
                    columns.get("is_primary", ""),
                    f"Lines {earlier} and {last} each mark a primary contact at {name}. A client has one "
                    f"primary contact, so it is line {last}'s.",
                )
            )
    return Preview(
        rows=tuple(rows),
        problems=tuple(problems),
        warnings=tuple(sorted(warnings, key=lambda w: w.line)),
        new_clients=clients.new_clients(),
        existing_clients=clients.used,
        primary_lines=frozenset(primary_lines),
        fields=tuple(
            f for f in FIELDS if f.key in columns and f.key not in ("first_name", "middle_name", "last_name")
        ),
    )


def _shown(values: Mapping[str, Any]) -> dict[str, str]:
    """Values as the preview table shows them: dates ISO, yes/no, channels by their label."""
    shown = {}
    for key, value in values.items():
        if key in ("first_name", "middle_name", "last_name"):
            continue
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, date):
            text = value.isoformat()
        elif key == "preferred_channel" and value:
            text = str(dict(PreferredChannel.choices()).get(value, value))
        elif key == "status" and value:
            text = str(Client.Status(value).label) if value in Client.Status.values else str(value)
        else:
            text = "" if value is None else str(value)
        shown[key] = text
    return shown


class _ClientTally:
    """The clients rows belong to: existing ones (left as they are) and new ones (first values win)."""

    def __init__(self, existing: Existing, warnings: list[Problem]) -> None:
        self.existing = existing
        self.warnings = warnings
        self.used: dict[str, ExistingClient] = {}
        self.new: dict[str, tuple[int, str]] = {}  # key -> (first line, name as first written)
        self.values: dict[str, dict[str, tuple[int, Any]]] = {}  # key -> field -> (line, first value)

    def note(self, key: str, name: str, line: int, clean: Mapping[str, Any]) -> None:
        if key in self.existing.clients:
            if key not in self.used:
                found = self.used[key] = self.existing.clients[key]
                if found.archived:
                    self.warnings.append(
                        Problem(
                            line,
                            FIELD_LABELS["client_name"],
                            "",
                            (
                                f"{found.name} is archived; its new contacts are added there, "
                                "and it stays archived."
                            ),
                        )
                    )
                if key in self.existing.shared_names:
                    self.warnings.append(
                        Problem(
                            line,
                            FIELD_LABELS["client_name"],
                            "",
                            (
                                f"More than one client is named {found.name}; "
                                "contacts go to the one added first."
                            ),
                        )
                    )
            return
        first_name = self.new.setdefault(key, (line, name.strip()))[1]
        values = self.values.setdefault(key, {})
        for field_key in CLIENT_FIELDS:
            value = clean.get(field_key)
            if value is None or value == "":
                continue
            first_line, first_value = values.setdefault(field_key, (line, value))
            if first_value != value:
                self.warnings.append(
                    Problem(
                        line,
                        FIELD_LABELS[field_key],
                        "",
                        (
                            f"Line {first_line} already gave {first_name} the "
                            f"{FIELD_LABELS[field_key].lower()} "
                            f"“{clip(str(first_value))}”; this row's “{clip(str(value))}” is not used."
                        ),
                    )
                )

    def name(self, key: str) -> str:
        return self.used[key].name if key in self.used else self.new[key][1]

    def new_clients(self) -> tuple[NewClient, ...]:
        result = []
        for key, (line, name) in self.new.items():
            values = {field_key: value for field_key, (_, value) in self.values.get(key, {}).items()}
            result.append(
                NewClient(
                    key=key,
                    line=line,
                    name=name,
                    company=values.get("company", ""),
                    status=values.get("status", Client.Status.ACTIVE),
                    start_date=values.get("start_date"),
                    tags=values.get("tags", ""),
                    notes=values.get("client_notes", ""),
                )
            )
        return tuple(result)


def _duplicate(
    contact: NewContact,
    client_key: str,
    line: int,
    existing: Existing,
    used_existing: Mapping[str, ExistingClient],
    seen_emails: dict[str, int],
    seen_names: dict[tuple[str, str], int],
) -> tuple[Outcome, str]:
    """(CONTACT, "") for a new person; (EXISTING or REPEATED, why) for one already there."""
    if contact.email:
        email_key = contact.email.casefold()
        if email_key in existing.emails:
            at = existing.emails[email_key]
            return Outcome.EXISTING, f"{contact.email} is already in goodterms, at {at}."
        if email_key in seen_emails:
            first = seen_emails[email_key]
            return (
                Outcome.REPEATED,
                f"Repeated on line {first} of this file (same email, {contact.email}); only that row is "
                "imported.",
            )
        seen_emails[email_key] = line
        return Outcome.CONTACT, ""
    # No email to compare: the same name at the same client is the same person.
    name_key = (client_key, contact.name.casefold())
    known = used_existing.get(client_key)
    if known is not None and (known.pk, contact.name.casefold()) in existing.contact_names:
        return Outcome.EXISTING, f"{contact.name} is already a contact at {known.name} (no email to compare)."
    if name_key in seen_names:
        return (
            Outcome.REPEATED,
            f"Repeated on line {seen_names[name_key]} of this file (same name and client, no email); "
            "only that row is imported.",
        )
    seen_names[name_key] = line
    return Outcome.CONTACT, ""
