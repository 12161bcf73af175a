"""Properties of the import parser, over generated files (Hypothesis)."""

from __future__ import annotations

import csv
import io
import re

import vobject
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from goodterms.clients import importing
from goodterms.clients.importing import Existing, ImportFileError

DELIMITERS = st.sampled_from([",", ";", "\t"])
# Any text a cell can hold, except a NUL (refused on purpose) and the byte-order mark (removed at the start).
CELL = st.text(st.characters(codec="utf-8", exclude_characters="\x00\ufeff"), max_size=12)
# Header names as people write them: no delimiter, quote or line break inside (see the sniffing property).
HEADER_NAME = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=',;"\ufeff'),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")


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
        lines.append(len(_LINE_BREAKS.findall(out.getvalue())) + 1)
        writer.writerow(row)
    return out.getvalue(), lines


@given(table=tables(), delimiter=DELIMITERS, bom=st.booleans(), end=st.sampled_from(["\r\n", "\n"]))
def test_any_table_written_by_csv_writer_parses_back_with_its_line_numbers(table, delimiter, bom, end):
    header, rows = table
    text, lines = write(header, rows, delimiter, end)
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    assume(not data.startswith(_BINARY_MAGIC))
    parsed = importing.parse_csv(importing.decode_text(data), delimiter)
    assert parsed.header == tuple(header)
    assert parsed.header_line == 1
    assert [record.cells for record in parsed.records] == [tuple(row) for row in rows]
    assert [record.line for record in parsed.records] == lines


@given(table=tables(header_cells=HEADER_NAME), delimiter=DELIMITERS, bom=st.booleans())
def test_the_delimiter_is_found_from_any_header_of_two_or_more_names(table, delimiter, bom):
    header, rows = table
    assume(len(header) >= 2)
    text, _ = write(header, rows, delimiter)
    uploaded = importing.read_upload("people.csv", ("\ufeff" if bom else "").encode() + text.encode())
    assert uploaded.delimiter == delimiter
    assert uploaded.header == tuple(header)
    assert uploaded.rows == len(rows)


@st.composite
def file_bytes(draw):
    """Arbitrary bytes, and text that looks almost like a CSV or a vCard."""
    kind = draw(st.sampled_from(["binary", "text", "csvish", "vcardish"]))
    if kind == "binary":
        return draw(st.binary(max_size=300))
    if kind == "text":
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    pieces = (
        [",", ";", "\t", '"', "\n", "\r\n", "Client", "Email", "a@b.example", "x", " ", "\x00", "é"]
        if kind == "csvish"
        else ["BEGIN:VCARD", "END:VCARD", "VERSION:3.0", "FN:", "ORG:", "EMAIL:", "N:", ";", ":", "\n", " ",
              "\r\n", "=", "a", "ENCODING=QUOTED-PRINTABLE", "PHOTO;ENCODING=b:", "TEL;VALUE=uri:tel:", "\\n"]
    )  # fmt: skip
    return "".join(draw(st.lists(st.sampled_from(pieces), max_size=60))).encode("utf-8")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=file_bytes(),
    filename=st.sampled_from(["people.csv", "people.vcf", "people.txt", "people", "a.xlsx"]),
)
@example(data=b"BEGIN:VCARD\nPHOTO;ENCODING=b:@@@\nEND:VCARD\n", filename="people.vcf")
@example(data=b"Client\n\xff\xfe", filename="people.csv")
def test_no_file_raises_anything_but_an_import_error(data, filename):
    try:
        uploaded = importing.read_upload(filename, data)
    except ImportFileError as error:
        assert error.message.strip()
        return
    source = importing.read_source(
        file_format=uploaded.format, text=uploaded.text, delimiter=uploaded.delimiter,
        mapping=importing.guess_mapping(uploaded.header) or {0: "client_name"},
    )  # fmt: skip
    preview = importing.build_preview(source, Existing())
    lines = {row.line for row in source.rows}
    assert all(problem.line >= 1 for problem in preview.problems)
    assert len(preview.rows) == uploaded.rows
    # Every row's problems point into the file, and a row with a problem is never written.
    assert {row.line for row in preview.rows if row.outcome == "error"} <= lines
    assert not (preview.can_commit and preview.problems)


@given(
    table=tables(), delimiter=DELIMITERS, mapped=st.lists(st.sampled_from([f.key for f in importing.FIELDS]))
)
def test_every_problem_names_a_row_of_the_file_and_blocks_only_that_row(table, delimiter, mapped):
    header, rows = table
    text, lines = write(header, rows, delimiter)
    mapping = dict(enumerate(dict.fromkeys(mapped)))  # each field once, in some column
    source = importing.csv_rows(importing.parse_csv(text, delimiter), mapping)
    preview = importing.build_preview(source, Existing())
    assert {problem.line for problem in preview.problems} <= set(lines)
    assert [row.line for row in preview.rows] == lines
    assert {row.line for row in preview.rows if row.outcome == "error"} == {p.line for p in preview.problems}
    written = [row for row in preview.to_write if row.contact is not None]
    assert all(row.client_name and row.contact.name for row in written)  # type: ignore[union-attr]


# A name as people have them (letters, marks, digits, punctuation, spaces): not blank, no control characters.
NAME = (
    st.text(
        st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="\x85"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
EMAIL = st.emails().filter(lambda address: len(address) <= 254)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(cards=st.lists(st.tuples(NAME, EMAIL, NAME, st.sampled_from(["3.0", "4.0"])), min_size=1, max_size=5))
def test_vcards_written_by_vobject_parse_back(cards):
    text = ""
    for name, email, org, version in cards:
        card = vobject.vCard()
        card.add("version").value = version
        card.add("fn").value = name
        card.add("email").value = email
        card.add("org").value = [org]
        text += card.serialize()
    source = importing.vcard_rows(importing.decode_text(text.encode("utf-8")))
    assert [
        (row.values["contact_name"], row.values["email"], row.values["client_name"]) for row in source.rows
    ] == [(name, email, org) for name, email, org, _ in cards]
    starts = [
        number for number, line in enumerate(_LINE_BREAKS.split(text), start=1) if line == "BEGIN:VCARD"
    ]
    assert [row.line for row in source.rows] == starts
    assert all(not row.problems for row in source.rows)
