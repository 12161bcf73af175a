"""What the importer's tests share: an upload read into a preview, and generated CSV tables (Hypothesis)."""

from __future__ import annotations

import csv
import io
import re

from hypothesis import strategies as st

from goodterms.clients.importing import csvfile, fields, upload
from goodterms.clients.importing.preview import Existing, Preview, build_preview

EXPORT_HEADER = (
    "Client,Company,Status,Start date,Tags,Client notes,Contact,Email,Phone,Other email addresses,"
    "Other phone numbers,Role,Preferred channel,Primary,"
    "What we did together,Private notes"
)


def preview_of(text: str, existing: Existing | None = None, *, mapping: dict[int, str] | None = None):
    """Reads `text` as an uploaded CSV would be, with the guessed mapping unless one is given."""
    uploaded = upload.read_upload("people.csv", text.encode("utf-8"))
    table = csvfile.parse_csv(uploaded.text, uploaded.delimiter)
    source = csvfile.csv_rows(table, mapping or fields.guess_mapping(table.header))
    return build_preview(source, existing or Existing())


def problems_of(preview: Preview) -> list[str]:
    return [str(problem) for problem in preview.problems]


DELIMITERS = st.sampled_from([",", ";", "\t"])

# Any text a cell can hold, except a NUL (refused on purpose) and the byte-order mark (removed at the start).
CELL = st.text(st.characters(codec="utf-8", exclude_characters="\x00\ufeff"), max_size=12)

# Header names as people write them: no delimiter, quote or line break inside (see the sniffing property).
HEADER_NAME = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=',;"\ufeff'),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")

LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def _not_blank(row: list[str]) -> bool:
    return any(cell.strip() for cell in row)


@st.composite
def tables(draw, header_cells=CELL):
    width = draw(st.integers(1, 5))
    header = draw(st.lists(header_cells, min_size=width, max_size=width).filter(_not_blank))
    rows = draw(
        st.lists(st.lists(CELL, min_size=width, max_size=width).filter(_not_blank), min_size=1, max_size=8)
    )
    return header, rows


def write(
    header: list[str], rows: list[list[str]], delimiter: str, end: str = "\r\n"
) -> tuple[str, list[int]]:
    """The CSV text csv.writer makes, and the line each data row starts on as an editor counts lines."""
    out = io.StringIO()
    # With "\n" line ends, Python 3.11's csv.writer leaves a cell holding a lone CR unquoted, which no reader
    # can tell from a CRLF line end; quoting every cell keeps those files unambiguous.
    if end == "\r\n":
        writer = csv.writer(out, delimiter=delimiter, lineterminator=end)
    else:
        writer = csv.writer(out, delimiter=delimiter, lineterminator=end, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    lines = []
    for row in rows:
        lines.append(len(LINE_BREAKS.findall(out.getvalue())) + 1)
        writer.writerow(row)
    return out.getvalue(), lines
