"""Export clients and contacts as CSV and vCard text: pure functions, no database access.

The views in views_export.py run the query and stream what these functions return, so an export of
100,000 contacts never holds more than one chunk in memory.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import vobject

from goodterms.lib.formulas import neutralise

if TYPE_CHECKING:
    from goodterms.clients.importing import Problem
    from goodterms.clients.models import Contact

# The importer maps these headers by name, so an export re-imports unchanged. Keep them in step with it.
CSV_HEADER = (
    "Client",
    "Company",
    "Status",
    "Start date",
    "Tags",
    "Client notes",
    "Contact",
    "Email",
    "Phone",
    "Other email addresses",  # one a line within the cell
    "Other phone numbers",
    "Role",
    "Preferred channel",
    "Primary",
    "What we did together",
    "Private notes",
)

BOM = "\ufeff"  # lets Excel read the file as UTF-8, so accents survive a double-click
ROWS_PER_CHUNK = 500


# The columns of phone numbers: written as typed when phone-shaped (lib.formulas), so no quote shows.
PHONE_COLUMNS = frozenset({CSV_HEADER.index("Phone"), CSV_HEADER.index("Other phone numbers")})


def csv_cell(value: object, *, phone: bool = False) -> str:
    """One value as CSV text: None is empty, booleans are yes/no, dates ISO 8601; then neutralised (phone
    numbers, with `phone=True`, only when a line holds more than digits, spaces and + - ( ) .)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        text = str(value)
    return neutralise(text, phone=phone)


def csv_chunks(rows: Iterable[Sequence[object]], *, rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[str]:
    """The CSV file in pieces: the BOM and header first, then `rows_per_chunk` rows at a time.

    Each row holds the values of CSV_HEADER's columns, in that order. Comma delimiter, CRLF line ends and
    quotes where a cell needs them (the csv module's defaults).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(CSV_HEADER)
    pending = 1
    for row in rows:
        writer.writerow([csv_cell(value, phone=index in PHONE_COLUMNS) for index, value in enumerate(row)])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue()


# Words that belong with the family name ("Ludwig van Beethoven") or around the name ("Dr", "Jr.").
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "del",
        "della",
        "di",
        "da",
        "du",
        "dos",
        "das",
        "le",
        "la",
        "ten",
        "ter",
        "bin",
        "ibn",
        "al",
        "st.",
        "saint",
    ]
)
_PREFIXES = frozenset(["dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"])
_SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba", "obe", "mbe"])


def _bare(word: str) -> str:
    return word.lower().rstrip(".")


def split_name(full_name: str) -> vobject.vcard.Name:
    """A display name split into vCard's N parts. FN keeps the name exactly; N only helps sorting.

    "Dana Diaz" -> given Dana, family Diaz. "Mary Ann Smith" -> given Mary, additional Ann, family Smith.
    "Ludwig van Beethoven" -> family "van Beethoven". "Smith, Jr." -> family Smith, suffix "Jr.".
    "Diaz, Dana" -> family Diaz, given Dana. A single word is a given name.
    """
    name = " ".join(full_name.split())
    suffixes: list[str] = []
    if "," in name:
        head, _, tail = name.partition(",")
        tail_words = tail.replace(",", " ").split()
        if tail_words and all(_bare(word) in _SUFFIXES for word in tail_words):
            name, suffixes = head.strip(), tail_words
        elif " " not in head.strip() and tail.strip():
            # "Family, Given" as address books and directories write it.
            return vobject.vcard.Name(family=head.strip(), given=" ".join(tail.split()))
        else:
            name = head.strip()  # "Dana Diaz, CTO": N takes the name; FN keeps the rest
    words = name.split()
    prefixes: list[str] = []
    while len(words) > 1 and _bare(words[0]) in _PREFIXES:
        prefixes.append(words.pop(0))
    while len(words) > 1 and _bare(words[-1]) in _SUFFIXES:
        suffixes.insert(0, words.pop())
    given, additional, family = "", "", ""
    if len(words) == 1 and not suffixes:
        given = words[0]
    elif len(words) == 1:
        family = words[0]  # "Smith, Jr.": the word before a suffix is a family name
    elif words:
        given, rest = words[0], words[1:]
        family_start = len(rest) - 1
        for index, word in enumerate(rest[:-1]):
            if word.lower() in _PARTICLES:
                family_start = index
                break
        additional = " ".join(rest[:family_start])
        family = " ".join(rest[family_start:])
    return vobject.vcard.Name(
        family=family,
        given=given,
        additional=additional,
        prefix=" ".join(prefixes),
        suffix=" ".join(suffixes),
    )


def _one_line_ends(text: str) -> str:
    """vCard writes a line break as \\n and has no way to write a lone CR: make every break \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def vcard(contact: Contact) -> str:
    """One vCard 3.0 (the version Apple Contacts, Google, Outlook and Thunderbird all read) for a contact.

    `contact.client` must be loaded already (select_related), or this runs a query per contact.
    """
    card = vobject.vCard()
    card.add("fn").value = _one_line_ends(contact.name)
    card.add("n").value = split_name(_one_line_ends(contact.name))
    if contact.email:
        email = card.add("email")
        email.value = contact.email
        email.type_param = "INTERNET"
    for address in contact.other_emails.splitlines():
        if address.strip():
            other = card.add("email")
            other.value = address.strip()
            other.type_param = "INTERNET"
    if contact.phone:
        tel = card.add("tel")
        tel.value = _one_line_ends(contact.phone)
        tel.type_param = "WORK"
    for number in contact.other_phones.splitlines():
        if number.strip():
            card.add("tel").value = number.strip()
    card.add("org").value = [_one_line_ends(contact.client.name)]
    if contact.role:
        card.add("title").value = _one_line_ends(contact.role)
    # NOTE is what address books call notes: the private ones (and what an import reads back from it).
    if contact.private_notes:
        card.add("note").value = _one_line_ends(contact.private_notes)
    text: str = card.serialize()
    return text


def vcards(contacts: Iterable[Contact]) -> Iterator[str]:
    """One card per contact, in order."""
    for contact in contacts:
        yield vcard(contact)


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Rows as a CSV file (with a BOM, for spreadsheets), every cell formula-safe: the rows an import left
    out, with the reason for each, ready to be corrected and uploaded again."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return BOM + out.getvalue()


def problems_csv(problems: Iterable[Problem]) -> str:
    """An import's problems as a CSV file (with a BOM, for spreadsheets), every cell formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Line", "Field", "Column", "Problem"])
    for problem in problems:
        cells = [str(problem.line), problem.field, problem.column, problem.message]
        writer.writerow([neutralise(cell) for cell in cells])
    return "\ufeff" + out.getvalue()
