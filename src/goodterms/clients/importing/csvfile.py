"""CSV text to rows: the delimiter, the records with the file line where each starts, and the mapped values.

`sniff_delimiter` picks `,`, `;` or tab from the header line; `parse_csv` reads the header and the non-blank
records (a quoted cell may span lines, so each record keeps the line it starts on) and refuses a file that
cannot be read as a whole, naming the line; `csv_rows` turns the records into the readers' one shape through
the user's column mapping, and makes a ragged row a problem of its own row.

Plain Python, no Django.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from goodterms.clients.importing.fields import (
    FIELD_LABELS,
    MULTI_VALUE_FIELDS,
    MULTI_VALUE_SEPARATOR,
    value_order,
)
from goodterms.clients.importing.rows import MAX_ROWS, ImportFileError, Problem, Source, SourceRow, clip
from goodterms.lib.formulas import unneutralise

MAX_COLUMNS = 200
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


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


def empty_columns(table: CsvTable) -> frozenset[int]:
    """The columns empty in every record: most of an address book's 36 or 88, which the mapping page hides."""
    filled: set[int] = set()
    width = len(table.header)
    for record in table.records:
        filled.update(index for index, cell in enumerate(record.cells[:width]) if cell.strip())
        if len(filled) == width:
            break
    return frozenset(range(width)) - filled


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


NAME_PARTS = ("first_name", "middle_name", "last_name")


def split_values(cell: str) -> list[str]:
    """'a@x ::: b@y' -> ['a@x', 'b@y']: a Google Contacts multi-value cell's values, empty ones left out."""
    return [part.strip() for part in cell.split(MULTI_VALUE_SEPARATOR) if part.strip()]


def clean_labels(cell: str) -> str:
    """Google's 'Labels' ('* myContacts ::: Clients ::: * starred') without its system groups ('* …')."""
    return ", ".join(part for part in split_values(cell) if not part.startswith("*"))


def csv_rows(table: CsvTable, mapping: Mapping[int, str]) -> Source:
    width = len(table.header)
    mapped = {index: key for index, key in mapping.items() if key and index < width}
    # A field may come from several columns (email, phone, and what holds their other values).
    columns_of: dict[str, list[int]] = {}
    for index, key in sorted(mapped.items()):
        columns_of.setdefault(key, []).append(index)
    for key, indexes in columns_of.items():
        columns_of[key] = value_order(table.header, indexes, key)

    def name_of(index: int) -> str:
        return table.header[index].strip() or f"column {index + 1}"

    columns = {key: ", ".join(name_of(index) for index in indexes) for key, indexes in columns_of.items()}
    for key, other in MULTI_VALUE_FIELDS.items():
        if key in columns:
            columns[other] = ", ".join(part for part in (columns.get(other), columns[key]) if part)
    if any(part in columns for part in NAME_PARTS):
        joined = " + ".join(columns[key] for key in NAME_PARTS if key in columns)
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
        values, notes = _record_values(record.line, cells, columns_of, columns)
        if not values.get("contact_name", "").strip() and any(part in values for part in NAME_PARTS):
            values["contact_name"] = " ".join(
                part for part in (values.get(key, "").strip() for key in NAME_PARTS) if part
            )
        rows.append(SourceRow(record.line, values, notes=tuple(notes)))
    return Source(tuple(rows), columns)


def _record_values(
    line: int, cells: Sequence[str], columns_of: Mapping[str, Sequence[int]], columns: Mapping[str, str]
) -> tuple[dict[str, str], list[Problem]]:
    """One record's field values: multi-value cells split, the first value used and the rest kept."""
    values: dict[str, str] = {}
    notes: list[Problem] = []
    kept: dict[str, list[str]] = {}
    for key, indexes in columns_of.items():
        texts = [unneutralise(cells[index]) for index in indexes if index < len(cells)]
        if key == "tags":
            values[key] = ", ".join(part for part in (clean_labels(text) for text in texts) if part)
        elif key in MULTI_VALUE_FIELDS or key in MULTI_VALUE_FIELDS.values():
            found = [value for text in texts for value in split_values(text)]
            if key in MULTI_VALUE_FIELDS:
                values[key] = found[0] if found else ""
                kept.setdefault(MULTI_VALUE_FIELDS[key], []).extend(found[1:])
            else:
                kept.setdefault(key, []).extend(found)
        else:
            text = texts[0] if texts else ""
            parts = split_values(text) if MULTI_VALUE_SEPARATOR in text else []
            if len(parts) > 1:
                others = ", ".join(f"“{clip(part, 40)}”" for part in parts[1:])
                notes.append(
                    Problem(
                        line,
                        FIELD_LABELS[key],
                        columns.get(key, ""),
                        f"The cell has {len(parts)} values; the first, “{clip(parts[0], 40)}”, is imported "
                        f"and {others} {'is' if len(parts) == 2 else 'are'} not.",
                    )
                )
                text = parts[0]
            values[key] = text
    for key, other in MULTI_VALUE_FIELDS.items():
        first = values.get(key, "").casefold()
        unique = [value for value in dict.fromkeys(kept.get(other, [])) if value.casefold() != first]
        if other in kept:
            values[other] = "\n".join(unique)
    return values, notes


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
