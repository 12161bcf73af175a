"""Reading CSV and vCard files into rows, and checking every row before anything is written.

No database and no view code: the functions take bytes, text and plain collections and return dataclasses.
The data flow is

    read_upload(filename, bytes)  -> UploadedFile       (decode, detect the format, check the file as a whole)
    parse_csv(text, delimiter)    -> CsvTable           (records with the file line where each one starts)
    guess_mapping(header)         -> {column: field}
    csv_rows(table, mapping) / vcard_rows(text)  -> SourceRows   (one shape for both formats)
    build_preview(rows, existing) -> Preview            (every problem and duplicate; what a commit writes)

Each value is checked by the web forms' own fields (so the model's max lengths and `validate_single_line`
apply exactly as when typed) and then normalised like the forms do (`normalize_email_address`,
`normalize_tags`). An import cannot store what the forms would refuse.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import vobject
from django import forms
from django.core.exceptions import ValidationError

from goodterms.clients.exporting import FORMULA_TRIGGERS
from goodterms.clients.models import Client, Contact, normalize_tags
from goodterms.common.validators import normalize_email_address
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import PreferredChannel

MAX_ROWS = 50_000
MAX_COLUMNS = 200
SAMPLE_ROWS = 200  # rows shown in the preview table; problems and duplicates are listed separately, in full
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}

# Line breaks as a text editor counts them (and as csv.reader over newline="" text does).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


class ImportFileError(Refused):
    """The file as a whole cannot be imported. `message` says why, where, and how to fix it."""


# --- the fields a column can be mapped to ----------------------------------------------------------


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str
    group: str  # "Client" or "Contact": the two halves of a row
    header: str  # the header goodterms' own CSV export writes (and the example file uses)
    help: str


_MAX = {
    "client_name": Client._meta.get_field("name").max_length,
    "contact_name": Contact._meta.get_field("name").max_length,
}

FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "client_name",
        "Client name",
        "Client",
        "Client",
        f"Required on every row. A client you already have (same name, any case) gets the row's contact; "
        f"a new name creates the client. Up to {_MAX['client_name']} characters.",
    ),
    ImportField(
        "company", "Company", "Client", "Company", "The client's legal or company name, if different."
    ),
    ImportField(
        "status", "Status", "Client", "Status", "Active, Ending, Ended or Alumni. Empty means Active."
    ),
    ImportField(
        "start_date",
        "Start date",
        "Client",
        "Start date",
        "When the relationship began, as YYYY-MM-DD (2024-03-01).",
    ),
    ImportField("tags", "Tags", "Client", "Tags", "Separated by commas or semicolons: retainer, design."),
    ImportField("client_notes", "Client notes", "Client", "Client notes", "Anything about the client."),
    ImportField(
        "contact_name",
        "Contact name",
        "Contact",
        "Contact",
        "The person's full name. Leave the contact columns empty for a row that adds only a client.",
    ),
    ImportField(
        "first_name",
        "First name",
        "Contact",
        "",
        "Joined with the last name when the file has no full-name column.",
    ),
    ImportField("last_name", "Last name", "Contact", "", "Joined after the first name."),
    ImportField(
        "email",
        "Email",
        "Contact",
        "Email",
        "One address. A person whose address is already in goodterms is skipped, not imported twice.",
    ),
    ImportField("phone", "Phone", "Contact", "Phone", "Any format: +44 20 7946 0000."),
    ImportField("role", "Role or title", "Contact", "Role", "CTO, Head of marketing…"),
    ImportField(
        "preferred_channel",
        "Preferred channel",
        "Contact",
        "Preferred channel",
        "Email, Phone or In person. Empty means Email.",
    ),
    ImportField(
        "is_primary",
        "Primary contact",
        "Contact",
        "Primary",
        "yes or no (also true/false, 1/0, x). A client has one primary contact.",
    ),
    ImportField(
        "together_notes",
        "What we did together",
        "Contact",
        "What we did together",
        "Used later to make each goodbye personal. May span several lines.",
    ),
)
FIELD_LABELS = {f.key: f.label for f in FIELDS}
CLIENT_FIELDS = ("company", "status", "start_date", "tags", "client_notes")
CONTACT_DETAIL_FIELDS = ("email", "phone", "role", "preferred_channel", "is_primary", "together_notes")


def _words(header: str) -> str:
    """'E-mail address' -> 'emailaddress': compare headers without case, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", header.casefold())


# Header words -> field. The first line of each entry is the header goodterms' own CSV export writes.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client_name": ("client", "clientname", "customer", "customername", "account", "accountname"),
    "status": ("status", "clientstatus", "relationshipstatus"),
    "start_date": ("startdate", "clientsince", "since", "started", "startedon", "start"),
    "tags": ("tags", "tag", "labels", "label", "categories", "category", "groups"),
    "client_notes": ("clientnotes", "companynotes", "accountnotes"),
    "contact_name": ("contact", "contactname", "name", "fullname", "person", "displayname", "contactperson"),
    "first_name": ("firstname", "givenname", "forename"),
    "last_name": ("lastname", "surname", "familyname"),
    "email": (
        "email",
        "emailaddress",
        "mail",
        "email1",
        "emailaddress1",
        "primaryemail",
        "workemail",
        "email1value",
        "emailaddresses",
    ),
    "phone": (
        "phone",
        "telephone",
        "tel",
        "phonenumber",
        "mobile",
        "mobilephone",
        "cell",
        "cellphone",
        "workphone",
        "businessphone",
        "phone1value",
        "telephonenumber",
    ),
    "role": ("role", "title", "jobtitle", "position", "roleortitle"),
    "preferred_channel": ("preferredchannel", "channel", "preferredcontactmethod", "prefers"),
    "is_primary": ("primary", "primarycontact", "isprimary", "maincontact"),
    "together_notes": ("whatwedidtogether", "notes", "note", "contactnotes", "together", "comments"),
}
_GUESS = {word: key for key, words in _SYNONYMS.items() for word in words}
# Columns naming an organization: the client when the file has no client column, otherwise its company.
_ORGANIZATION_WORDS = (
    "company",
    "companyname",
    "organization",
    "organisation",
    "organizationname",
    "organisationname",
    "org",
    "business",
    "businessname",
    "employer",
)


def guess_mapping(header: Sequence[str]) -> dict[int, str]:
    """Column index -> field key ("" = ignore), from the header names; each field is used at most once."""
    mapping = {index: _GUESS.get(_words(name), "") for index, name in enumerate(header)}
    organizations = [index for index, name in enumerate(header) if _words(name) in _ORGANIZATION_WORDS]
    if organizations and "client_name" not in mapping.values():
        mapping[organizations.pop(0)] = "client_name"
    for index in organizations:
        mapping[index] = "company"
    used: set[str] = set()
    for index in sorted(mapping):
        if mapping[index] in used:
            mapping[index] = ""
        used.add(mapping[index])
    return mapping


def check_mapping(mapping: Mapping[int, str], header: Sequence[str]) -> list[str]:
    """What is wrong with a mapping the user chose, in words; [] when it can be used."""
    errors = []
    columns_of: dict[str, list[int]] = {}
    for index, key in sorted(mapping.items()):
        if key and key not in FIELD_LABELS:
            errors.append(f"Column {index + 1} is mapped to an unknown field.")
        elif key:
            columns_of.setdefault(key, []).append(index)
    for key, indexes in columns_of.items():
        if len(indexes) > 1:
            names = " and ".join(column_name(header, index) for index in indexes)
            errors.append(f"{FIELD_LABELS[key]} is chosen for {names}: choose it for one column only.")
    if "client_name" not in columns_of:
        errors.append("Choose the column that holds the client name: every contact belongs to a client.")
    return errors


def column_name(header: Sequence[str], index: int) -> str:
    name = header[index].strip() if index < len(header) else ""
    return f"column {index + 1} “{name}”" if name else f"column {index + 1}"


def mapping_to_json(mapping: Mapping[int, str]) -> dict[str, str]:
    return {str(index): key for index, key in sorted(mapping.items()) if key}


def mapping_from_json(raw: Any) -> dict[int, str]:
    if not isinstance(raw, dict):
        return {}
    return {int(index): str(key) for index, key in raw.items() if str(index).isdigit() and key}


# --- bytes to text -------------------------------------------------------------------------------------

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_SAVE_AS_UTF8 = (
    "Open it in your spreadsheet and save it as “CSV UTF-8 (Comma delimited)” (Excel) or with the "
    "character set “Unicode (UTF-8)” (LibreOffice, Numbers, Google Sheets download as CSV), "
    "then upload that file."
)
_NOT_A_TEXT_FILE = {
    b"PK\x03\x04": "a ZIP archive, which is what Excel (.xlsx), Numbers and LibreOffice (.ods) workbooks are",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
}
_UNSUPPORTED_EXTENSIONS = {
    "xlsx",
    "xlsm",
    "xls",
    "ods",
    "numbers",
    "pdf",
    "doc",
    "docx",
    "zip",
    "json",
    "xml",
}


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte-in-line of `offset`, counting CR, LF and CRLF as a text editor does."""
    before = data[:offset]
    breaks = list(_LINE_BREAK_BYTES.finditer(before))
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - line_start + 1


def decode_text(data: bytes) -> str:
    """The file's text, or ImportFileError saying why it is not UTF-8 (or UTF-16/32 with a BOM) text."""
    if not data:
        raise ImportFileError("The file is empty.")
    for magic, what in _NOT_A_TEXT_FILE.items():
        if data.startswith(magic):
            raise ImportFileError(f"This file is {what}, not a CSV or vCard file. {_SAVE_AS_UTF8}")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    f"The file starts with a {name} byte-order mark but is not valid {name} text after byte "
                    f"{error.start + len(bom):,}. {_SAVE_AS_UTF8}"
                ) from None
            break
    else:
        sample = data[:400]
        if len(sample) >= 4 and (
            sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
        ):
            raise ImportFileError(
                "The file looks like UTF-16 text without a byte-order mark, which goodterms cannot read "
                "safely. " + _SAVE_AS_UTF8
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = _line_and_column(data, error.start)
            raise ImportFileError(
                f"The file is not UTF-8 text: line {line} has the byte 0x{data[error.start]:02X} at byte "
                f"{column} of the line (byte {error.start + 1:,} of the file), which UTF-8 does not allow. "
                f"It was probably "
                f"saved as Windows-1252 or Latin-1, or it is not a text file at all. {_SAVE_AS_UTF8}"
            ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = len(_LINE_BREAK.findall(text, 0, nul)) + 1
        raise ImportFileError(
            f"Line {line} contains a NUL (zero) byte. Text files never do: this looks like a binary file, "
            f"not a CSV or vCard file. {_SAVE_AS_UTF8}"
        )
    if not text.strip():
        raise ImportFileError("The file is empty: it has only blank lines.")
    return text


# --- CSV -----------------------------------------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    """`,`, `;` or tab: whichever appears most often, outside quotes, in the first (header) record."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = started = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes  # a doubled quote "" toggles twice: still inside
        elif in_quotes:
            continue
        elif char in "\r\n":
            if started:
                break
        else:
            started = started or not char.isspace()
            if char in counts:
                counts[char] += 1
    # On a tie, prefer the rarer character in ordinary text: a tab, then a semicolon, then a comma.
    best = max(("\t", ";", ","), key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


@dataclass(frozen=True, slots=True)
class Record:
    line: int  # the file line where the record starts (a quoted cell may span several lines)
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CsvTable:
    header: tuple[str, ...]
    header_line: int
    records: tuple[Record, ...]


def parse_csv(text: str, delimiter: str, *, limit: int | None = None) -> CsvTable:
    """The header and the non-blank records with their line numbers; at most `limit` records if given."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    header_line = 0
    records: list[Record] = []
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise ImportFileError(_csv_error_message(str(error), line, reader.line_num)) from None
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (and rows of empty cells) say nothing
        if header is None:
            header, header_line = tuple(cells), start
            if len(header) > MAX_COLUMNS:
                raise ImportFileError(
                    f"The header (line {start}) has {len(header):,} columns; goodterms reads at most "
                    f"{MAX_COLUMNS}. Delete the columns you do not need and upload the file again."
                )
            continue
        if limit is not None and len(records) >= limit:
            break
        if len(records) >= MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} rows; goodterms imports up to {MAX_ROWS:,} at a time. "
                f"Split it into smaller files (row {MAX_ROWS:,} ends before line {start:,})."
            )
        records.append(Record(start, tuple(cells)))
    if header is None:
        raise ImportFileError("The file is empty: it has only blank lines.")
    if not records and limit != 0:
        raise ImportFileError(
            f"The file has a header row (line {header_line}) but no rows below it: nothing to import."
        )
    return CsvTable(header, header_line, tuple(records))


def _csv_error_message(error: str, start: int, last_line: int) -> str:
    if "unexpected end of data" in error or "new-line character seen in unquoted field" in error:
        return (
            f'Line {start}: a quote (") opens a cell that is never closed; the file ends on line '
            f"{last_line} while still inside it. Close the quote, or remove it."
        )
    if "expected after" in error:
        return (
            f"Line {last_line}: a quoted cell must end right after its closing quote, but more text follows "
            f'it. Inside a quoted cell, write a quote as two quotes (""), or remove the quotes.'
        )
    if "field larger than field limit" in error:
        return (
            f"Line {start}: a cell is longer than {csv.field_size_limit():,} characters. This usually means "
            f'a quote (") opens a cell that is never closed.'
        )
    return f"Line {last_line}: the CSV cannot be read ({error})."


# --- rows, the one shape both formats become ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that stops the import, or (as a warning) something worth knowing before committing."""

    line: int
    field: str  # the goodterms field's label, or "" for the row as a whole
    column: str  # where the value came from: the CSV column header or the vCard property, or ""
    message: str

    @property
    def where(self) -> str:
        if self.field and self.column and _words(self.column) != _words(self.field):
            return f"{self.field} (from “{self.column}”)"
        return self.field or self.column

    def __str__(self) -> str:
        return f"Line {self.line}" + (f", {self.where}" if self.where else "") + f": {self.message}"


@dataclass(frozen=True, slots=True)
class SourceRow:
    line: int
    values: Mapping[str, str]  # field key -> the text as found in the file
    problems: tuple[Problem, ...] = ()  # found while reading the row (ragged CSV row, unreadable vCard…)
    notes: tuple[Problem, ...] = ()  # worth knowing, not blocking (several emails on a card…)
    readable: bool = True  # False: the values cannot be trusted (a ragged row), so only `problems` are shown


@dataclass(frozen=True)
class Source:
    rows: tuple[SourceRow, ...]
    columns: Mapping[str, str]  # field key -> where it comes from (column header, vCard property)


# goodterms' CSV export (exporting.neutralise) writes a cell a spreadsheet would run as a formula with a quote
# in front ("'+44 20…", "'=…"), and so does advice against CSV injection; the quote is not part of the value.


def unneutralise(cell: str) -> str:
    """ "'+44 20 7946 0000" -> "+44 20 7946 0000": undoes the export's guard against spreadsheet formulas."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS) else cell


def csv_rows(table: CsvTable, mapping: Mapping[int, str]) -> Source:
    width = len(table.header)
    mapped = {index: key for index, key in mapping.items() if key and index < width}
    columns = {key: table.header[index].strip() or f"column {index + 1}" for index, key in mapped.items()}
    if "first_name" in columns or "last_name" in columns:
        joined = " + ".join(columns[key] for key in ("first_name", "last_name") if key in columns)
        columns["contact_name"] = (
            f"{columns['contact_name']} or {joined}" if "contact_name" in columns else joined
        )
    rows = []
    for record in table.records:
        cells = record.cells
        if len(cells) < width or any(cell.strip() for cell in cells[width:]):
            problem = Problem(record.line, "", "", _ragged_message(cells, width))
            rows.append(SourceRow(record.line, {}, (problem,), readable=False))
            continue
        values = {key: unneutralise(cells[index]) for index, key in mapped.items() if index < len(cells)}
        if not values.get("contact_name", "").strip() and ("first_name" in values or "last_name" in values):
            values["contact_name"] = " ".join(
                part
                for part in (values.get("first_name", "").strip(), values.get("last_name", "").strip())
                if part
            )
        rows.append(SourceRow(record.line, values))
    return Source(tuple(rows), columns)


def _ragged_message(cells: Sequence[str], width: int) -> str:
    message = (
        f"This row has {len(cells)} cell{'s' if len(cells) != 1 else ''} but the header has {width}, so "
        f"goodterms cannot tell which value belongs to which column."
    )
    if any(cell.startswith(' "') for cell in cells):
        message += ' A space before a quote (, "…") makes the quote part of the text: remove the space.'
    elif len(cells) > width:
        message += " A value probably contains the delimiter: put that value in quotes."
    return message


# --- vCard ---------------------------------------------------------------------------------------------

VCARD_COLUMNS = {
    "client_name": "ORG",
    "contact_name": "FN",
    "email": "EMAIL",
    "phone": "TEL",
    "role": "TITLE",
    "together_notes": "NOTE",
}
NO_ORGANIZATION = (
    "No organization (ORG): goodterms needs the client this person works at. Fill in “Client for cards "
    "without an organization”, or add the organization to the card."
)
_PROPERTY_LINE = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?(?:;[^:]*)?:")


def split_vcards(text: str) -> list[tuple[int, list[str]]]:
    """Each card's first line number and physical lines; ImportFileError if BEGIN/END do not pair up."""
    cards: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    start = 0
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        continuation = line[:1] in (" ", "\t")
        keyword = line.strip().upper()
        if current is None:
            if not keyword:
                continue
            if keyword == "BEGIN:VCARD":
                current, start = [line], number
                continue
            raise ImportFileError(
                f"Line {number} is outside any vCard: “{_clip(line)}”. Every card starts with a BEGIN:VCARD "
                f"line and ends with an END:VCARD line. Export the contacts again as vCard (.vcf)."
            )
        if keyword == "BEGIN:VCARD" and not continuation:
            raise ImportFileError(
                f"Line {number} starts a new vCard, but the card that starts on line {start} was never "
                f"closed with END:VCARD. The file is damaged: export the contacts again."
            )
        current.append(line)
        if keyword == "END:VCARD" and not continuation:
            cards.append((start, current))
            current = None
            if len(cards) > MAX_ROWS:
                raise ImportFileError(
                    f"The file has more than {MAX_ROWS:,} vCards; goodterms imports up to {MAX_ROWS:,} at a "
                    f"time. Split it into smaller files."
                )
    if current is not None:
        raise ImportFileError(
            f"The vCard that starts on line {start} is never closed: the file ends before its END:VCARD "
            f"line. The file may be cut short: export the contacts again."
        )
    if not cards:
        raise ImportFileError("The file has no vCards (no BEGIN:VCARD line).")
    return cards


def vcard_rows(text: str, *, default_client: str = "") -> Source:
    rows = tuple(_card_row(start, lines, default_client) for start, lines in split_vcards(text))
    return Source(rows, VCARD_COLUMNS)


def _clip(text: str, length: int = 60) -> str:
    text = text.strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def _text(value: Any) -> str:
    """A vobject value as text: ORG and other structured values are lists of components."""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return " ".join(_text(part) for part in value if _text(part))
    return "" if value is None else str(value)


def _card_row(start: int, lines: list[str], default_client: str) -> SourceRow:
    # vobject's own line numbers are unreliable, so check the lines here and name the exact one.
    quoted_printable_soft_break = False
    for offset, line in enumerate(lines):
        if quoted_printable_soft_break or line[:1] in (" ", "\t") or not line.strip():
            quoted_printable_soft_break = quoted_printable_soft_break and line.endswith("=")
            continue
        if not _PROPERTY_LINE.match(line):
            message = f"“{_clip(line)}” is not a vCard property line (NAME:value); the card cannot be read."
            return SourceRow(start, {}, (Problem(start + offset, "", "", message),), readable=False)
        quoted_printable_soft_break = line.endswith("=") and "QUOTED-PRINTABLE" in line.upper()
    try:
        card = vobject.readOne("\r\n".join(lines), allowQP=True)
        contents: dict[str, list[Any]] = card.contents
        values = _card_values(contents)
    except Exception as error:  # vobject raises many kinds of error: each becomes this card's problem
        detail = re.sub(r"^At line \d+: ", "", str(getattr(error, "msg", error)))
        problem = Problem(start, "", "", f"This vCard cannot be read: {_clip(detail, 120)}.")
        return SourceRow(start, {}, (problem,), readable=False)
    problems: list[Problem] = []
    notes: list[Problem] = []
    for key, prop in (("email", "EMAIL"), ("phone", "TEL")):
        found = [_text(item.value).strip() for item in contents.get(prop.lower(), [])]
        found = [value for value in found if value]
        if found:
            values[key] = found[0].removeprefix("tel:") if key == "phone" else found[0]
        if len(found) > 1:
            label = "email addresses" if key == "email" else "phone numbers"
            notes.append(
                Problem(
                    start,
                    FIELD_LABELS[key],
                    prop,
                    f"The card has {len(found)} {label}; the first, {found[0]}, is imported.",
                )
            )
    if values.pop("company_card", ""):
        values = {"client_name": values.get("client_name", "") or values.get("contact_name", "")}
        notes.append(Problem(start, "", "", "A company card: imported as the client only, with no contact."))
    if not values.get("client_name", "").strip():
        if default_client.strip():
            values["client_name"] = default_client
        else:
            problems.append(
                Problem(
                    start,
                    FIELD_LABELS["client_name"],
                    "ORG",
                    NO_ORGANIZATION,
                )
            )
    return SourceRow(start, values, tuple(problems), tuple(notes))


def _card_values(contents: Mapping[str, list[Any]]) -> dict[str, str]:
    def first(prop: str) -> str:
        items = contents.get(prop, [])
        return _text(items[0].value).strip() if items else ""

    values: dict[str, str] = {}
    org = contents.get("org", [])
    if org:
        value = org[0].value
        values["client_name"] = _text(value[0] if isinstance(value, list | tuple) and value else value)
    name = first("fn")
    if not name and contents.get("n"):
        n = contents["n"][0].value
        name = " ".join(
            part
            for part in (_text(getattr(n, attr, "")).strip() for attr in ("given", "additional", "family"))
            if part
        )
    values["contact_name"] = name
    values["role"] = first("title") or first("role")
    notes = [_text(item.value).strip() for item in contents.get("note", [])]
    values["together_notes"] = "\n\n".join(note for note in notes if note)
    kind = (first("x-abshowas") or first("kind")).casefold()
    if kind in ("company", "org", "organization"):
        values["company_card"] = "yes"
    return values


# --- checking rows: the preview ---------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class PreviewRow:
    line: int
    client_name: str
    client_key: str
    outcome: str  # "contact", "client-only", "existing" (skipped), "repeated" (skipped) or "error"
    contact: NewContact | None
    detail: str = ""  # for skipped rows: why
    # For rows with problems: the contact's name and email as the file has them, so the user finds the row.
    raw_name: str = ""
    raw_email: str = ""

    @property
    def skipped(self) -> bool:
        return self.outcome in ("existing", "repeated")


@dataclass(frozen=True)
class Preview:
    rows: tuple[PreviewRow, ...]
    problems: tuple[Problem, ...]  # every one blocks the commit
    warnings: tuple[Problem, ...]
    new_clients: tuple[NewClient, ...]
    existing_clients: Mapping[str, ExistingClient]  # the existing clients rows attach contacts to
    primary_lines: frozenset[int]  # the rows whose contact becomes its client's primary contact

    @property
    def can_commit(self) -> bool:
        return not self.problems and bool(self.to_write or self.new_clients)

    @property
    def to_write(self) -> tuple[PreviewRow, ...]:
        return tuple(row for row in self.rows if row.outcome == "contact")

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
            "skipped_existing": sum(row.outcome == "existing" for row in self.rows),
            "skipped_repeated": sum(row.outcome == "repeated" for row in self.rows),
            "problems": len(self.problems),
        }

    @property
    def sample(self) -> tuple[PreviewRow, ...]:
        return self.rows[:SAMPLE_ROWS]

    def describe(self, row: PreviewRow) -> str:
        """What a commit does with the row, in words."""
        new_client = row.client_key not in self.existing_clients
        if row.outcome == "contact":
            return "New contact at a new client" if new_client else "New contact"
        if row.outcome == "client-only":
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
        raise ValidationError(f"“{_clip(value)}” is not a status; use one of {allowed}.") from None


def _parse_channel(value: str) -> str:
    try:
        return _CHANNELS[value.casefold()]
    except KeyError:
        allowed = ", ".join(str(label) for _, label in PreferredChannel.choices())
        raise ValidationError(f"“{_clip(value)}” is not a channel; use one of {allowed}.") from None


_YES = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "primary"}
_NO = {"no", "n", "false", "f", "0", "-"}


def _parse_primary(value: str) -> bool:
    folded = value.casefold()
    if folded in _YES or folded in _NO:
        return folded in _YES
    raise ValidationError(f"“{_clip(value)}” is not yes or no; use yes/no, true/false, 1/0, or x for yes.")


def _parse_date(value: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValidationError(
            f"“{_clip(value)}” is not a date in the form YYYY-MM-DD (for example 2024-03-01). "
            f"In a spreadsheet, format the column as yyyy-mm-dd before saving."
        )
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{value} is not a date in the calendar.") from None


class _Cleaner:
    """Each value through the same form field (and normaliser) the web forms use."""

    def __init__(self) -> None:
        # The forms module imports this one (the import pages' forms list FIELDS), so it is read here.
        from goodterms.clients.forms import ClientForm, ContactForm

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
            rows.append(PreviewRow(line, "", "", "error", None))
            continue
        clean: dict[str, Any] = {}
        for key, raw in source_row.values.items():
            if key in ("first_name", "last_name"):
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
                    "error",
                    None,
                    raw_name=values.get("contact_name", ""),
                    raw_email=values.get("email", ""),
                )
            )
            continue
        if not has_contact:
            rows.append(PreviewRow(line, client_name, client_key, "client-only", None))
            continue
        contact = NewContact(
            name=contact_name,
            email=clean.get("email", ""),
            phone=clean.get("phone", ""),
            role=clean.get("role", ""),
            preferred_channel=clean.get("preferred_channel") or PreferredChannel.EMAIL,
            is_primary=bool(clean.get("is_primary")),
            together_notes=clean.get("together_notes", ""),
        )
        outcome, detail = _duplicate(
            contact, client_key, line, existing, clients.used, seen_emails, seen_names
        )
        rows.append(PreviewRow(line, client_name, client_key, outcome, contact, detail))
        if outcome == "contact" and contact.is_primary:
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
    )


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
                            f"“{_clip(str(first_value))}”; this row's “{_clip(str(value))}” is not used."
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
) -> tuple[str, str]:
    """("contact", "") for a new person; ("existing" | "repeated", why) for one already there."""
    if contact.email:
        email_key = contact.email.casefold()
        if email_key in existing.emails:
            return "existing", f"{contact.email} is already in goodterms, at {existing.emails[email_key]}."
        if email_key in seen_emails:
            return "repeated", f"Same email as line {seen_emails[email_key]}; only that row is imported."
        seen_emails[email_key] = line
        return "contact", ""
    # No email to compare: the same name at the same client is the same person.
    name_key = (client_key, contact.name.casefold())
    known = used_existing.get(client_key)
    if known is not None and (known.pk, contact.name.casefold()) in existing.contact_names:
        return "existing", f"{contact.name} is already a contact at {known.name} (no email to compare)."
    if name_key in seen_names:
        return (
            "repeated",
            f"Same name and client as line {seen_names[name_key]}, and no email; only that row is imported.",
        )
    seen_names[name_key] = line
    return "contact", ""


# --- the whole file ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    format: str  # "csv" or "vcard" (ImportBatch.Format values)
    text: str
    delimiter: str  # "" for vCard
    header: tuple[str, ...]
    rows: int


def read_upload(filename: str, data: bytes) -> UploadedFile:
    """Decode and check a whole file, so that the preview only has row problems left to show."""
    extension = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if extension in _UNSUPPORTED_EXTENSIONS:
        raise ImportFileError(
            f"goodterms imports CSV files (.csv, .tsv, .txt) and vCard files (.vcf); “{filename}” is a "
            f".{extension} file. {_SAVE_AS_UTF8}"
        )
    text = decode_text(data)
    if text.lstrip()[:11].upper() == "BEGIN:VCARD" or extension in ("vcf", "vcard"):
        return UploadedFile("vcard", text, "", (), len(split_vcards(text)))
    delimiter = sniff_delimiter(text)
    table = parse_csv(text, delimiter)
    return UploadedFile("csv", text, delimiter, table.header, len(table.records))


def read_source(
    *, file_format: str, text: str, delimiter: str, mapping: Mapping[int, str], default_client: str = ""
) -> Source:
    """A stored batch's rows, in the one shape the preview checks."""
    if file_format == "vcard":
        return vcard_rows(text, default_client=default_client)
    return csv_rows(parse_csv(text, delimiter or ","), mapping)


def summary_message(stats: Mapping[str, int], *, done: bool = True) -> str:
    """'Imported 12 contacts at 4 clients (3 new); skipped 2 already in goodterms.' (or 'Importing adds…')."""

    def count(n: int, word: str) -> str:
        return f"{n:,} {word}{'' if n == 1 else 's'}"

    contacts, clients = stats.get("contacts", 0), stats.get("clients", 0)
    only = stats.get("new_clients_without_contacts", 0)
    new_with_contacts = stats.get("new_clients", 0) - only
    added = []
    if contacts:
        added.append(
            f"{count(contacts, 'contact')} at {count(clients, 'client')}"
            + (f" ({new_with_contacts:,} new)" if new_with_contacts else "")
        )
    if only:
        added.append(f"{count(only, 'new client')} with no contacts")
    skipped = []
    if stats.get("skipped_existing"):
        skipped.append(f"{stats['skipped_existing']:,} already in goodterms")
    if stats.get("skipped_repeated"):
        skipped.append(f"{stats['skipped_repeated']:,} repeated in the file")
    if done:
        text = "Imported " + " and ".join(added) if added else "Nothing new was imported"
        text += "; skipped " + " and ".join(skipped) if skipped else ""
    else:
        text = "Importing adds " + " and ".join(added) if added else "Importing adds nothing"
        text += (", and skips " if added else "; it skips ") + " and ".join(skipped) if skipped else ""
    return text + "."


def problems_by_field(problems: Iterable[Problem]) -> list[tuple[str, int]]:
    """How many problems each field has, most first: the summary above a long list."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.where or "Whole row"] = counts.get(problem.where or "Whole row", 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
