"""What every reader makes of a file: rows in one shape, or an ImportFileError for the file as a whole.

CSV records (csvfile.py) and vCards (vcard.py) both become a `Source`: one `SourceRow` per record or card,
with the file line where it starts, the text found for each field, and the `Problem`s found while reading it.
The preview (preview.py) checks a Source without knowing which format it came from.

Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from goodterms.clients.importing.fields import header_words
from goodterms.lib.refused import Refused

MAX_ROWS = 50_000  # records of a CSV file, or cards of a vCard file


class ImportFileError(Refused):
    """The file as a whole cannot be imported. `message` says why, where, and how to fix it."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that stops the import, or (as a warning) something worth knowing before committing."""

    line: int
    field: str  # the goodterms field's label, or "" for the row as a whole
    column: str  # where the value came from: the CSV column header or the vCard property, or ""
    message: str

    @property
    def where(self) -> str:
        if self.field and self.column and header_words(self.column) != header_words(self.field):
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


def clip(text: str, length: int = 60) -> str:
    """A value quoted in a message: stripped, and cut with an ellipsis when longer than `length`."""
    text = text.strip()
    return text if len(text) <= length else text[: length - 1] + "…"
