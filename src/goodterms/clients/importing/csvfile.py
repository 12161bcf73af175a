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

from goodterms.clients.importing.rows import MAX_ROWS, ImportFileError, Problem, Source, SourceRow
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
