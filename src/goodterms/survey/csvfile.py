"""The survey's CSV: a BOM for spreadsheets, every cell through the formula guard, written in pieces."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence

BOM = "\ufeff"


def csv_chunks(rows: Sequence[Sequence[str]], *, cell: Callable[[object], str]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    for number, row in enumerate(rows):
        writer.writerow(row if number == 0 else [cell(value) for value in row])
        if number % 500 == 499:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
