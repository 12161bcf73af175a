"""vCard text to rows: the file split into cards by line, and each card read with vobject.

`split_vcards` pairs every BEGIN:VCARD with its END:VCARD and refuses a file where they do not pair up,
naming the line; `vcard_rows` reads each card (vCard 3.0 or 4.0, quoted-printable values allowed) into the
readers' one shape: ORG is the client, FN (or N) the contact, the first EMAIL and TEL are kept and the others
noted. A card that cannot be read becomes a problem of its own row (naming the line when it is not a property
line at all), so one damaged card never hides the others.

Plain Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import vobject

from goodterms.clients.importing.decoding import LINE_BREAK
from goodterms.clients.importing.fields import FIELD_LABELS
from goodterms.clients.importing.rows import MAX_ROWS, ImportFileError, Problem, Source, SourceRow, clip

VCARD_COLUMNS = {
    "client_name": "ORG",
    "contact_name": "FN",
    "email": "EMAIL",
    "phone": "TEL",
    "role": "TITLE",
    "tags": "CATEGORIES",
    "private_notes": "NOTE",
    "other_emails": "EMAIL",
    "other_phones": "TEL",
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
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        continuation = line[:1] in (" ", "\t")
        keyword = line.strip().upper()
        if current is None:
            if not keyword:
                continue
            if keyword == "BEGIN:VCARD":
                current, start = [line], number
                continue
            raise ImportFileError(
                f"Line {number} is outside any vCard: “{clip(line)}”. Every card starts with a BEGIN:VCARD "
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
            message = f"“{clip(line)}” is not a vCard property line (NAME:value); the card cannot be read."
            return SourceRow(start, {}, (Problem(start + offset, "", "", message),), readable=False)
        quoted_printable_soft_break = line.endswith("=") and "QUOTED-PRINTABLE" in line.upper()
    try:
        card = vobject.readOne("\r\n".join(lines), allowQP=True)
        contents: dict[str, list[Any]] = card.contents
        values = _card_values(contents)
    except Exception as error:  # vobject raises many kinds of error: each becomes this card's problem
        detail = re.sub(r"^At line \d+: ", "", str(getattr(error, "msg", error)))
        problem = Problem(start, "", "", f"This vCard cannot be read: {clip(detail, 120)}.")
        return SourceRow(start, {}, (problem,), readable=False)
    problems: list[Problem] = []
    notes: list[Problem] = []
    for key, prop in (("email", "EMAIL"), ("phone", "TEL")):
        found = [_text(item.value).strip() for item in contents.get(prop.lower(), [])]
        found = [value for value in found if value]
        if key == "phone":
            found = [value.removeprefix("tel:") for value in found]
        # A "pref" type marks the address the person prefers (Apple writes type=pref): that one first.
        preferred = [
            _text(item.value).strip()
            for item in contents.get(prop.lower(), [])
            if "PREF" in {str(t).upper() for t in item.params.get("TYPE", [])} or "PREF" in item.params
        ]
        if key == "phone":
            preferred = [value.removeprefix("tel:") for value in preferred]
        if preferred and preferred[0] in found:
            found.remove(preferred[0])
            found.insert(0, preferred[0])
        if found:
            values[key] = found[0]
        if len(found) > 1:
            label = "email addresses" if key == "email" else "phone numbers"
            values[f"other_{'emails' if key == 'email' else 'phones'}"] = "\n".join(dict.fromkeys(found[1:]))
            notes.append(
                Problem(
                    start,
                    FIELD_LABELS[key],
                    prop,
                    f"The card has {len(found)} {label}; the first, {found[0]}, is used, and the others are "
                    f"kept as other {label}.",
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
    categories = [
        _text(part)
        for item in contents.get("categories", [])
        for part in (item.value if isinstance(item.value, list | tuple) else [item.value])
    ]
    if categories:
        # vobject gives CATEGORIES as a list; its commas separate tags, which goodterms keeps comma-separated.
        values["tags"] = ", ".join(part for part in categories if part.strip())
    notes = [_text(item.value).strip() for item in contents.get("note", [])]
    values["private_notes"] = "\n\n".join(note for note in notes if note)
    kind = (first("x-abshowas") or first("kind")).casefold()
    if kind in ("company", "org", "organization"):
        values["company_card"] = "yes"
    return values
