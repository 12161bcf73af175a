"""CSV text to rows (goodterms.clients.importing.csvfile): delimiters, records and lines, ragged rows."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from goodterms.clients.importing import csvfile, decoding, upload
from goodterms.clients.importing.preview import Outcome
from goodterms.clients.importing.rows import ImportFileError
from goodterms.lib import formulas
from tests.clients.importing.helpers import (
    DELIMITERS,
    EXPORT_HEADER,
    HEADER_NAME,
    preview_of,
    problems_of,
    tables,
    write,
)

_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("Client,Email,Phone", ","),
        ("Client;Email;Phone", ";"),
        ("Client\tEmail\tPhone", "\t"),
        ('"Client, the company";Email;"Notes, long"', ";"),  # commas inside quotes do not count
        ('"Client\nname"\t"a;b;c"\tEmail', "\t"),  # nor do quoted line breaks
        ("Client", ","),  # one column: nothing to tell, comma it is
        ("\n\nClient;Email", ";"),  # blank lines before the header
    ],
)
def test_the_delimiter_comes_from_the_header_outside_quotes(header, delimiter):
    assert csvfile.sniff_delimiter(header + "\r\nAcme,x;y\tz\r\n") == delimiter


def test_records_carry_the_line_where_they_start_across_quoted_newlines_and_blank_lines():
    text = (
        "Client,Contact,What we did together\r\n"  # line 1
        'Acme,Dana,"Launched\r\nthe shop\r\ntogether"\r\n'  # lines 2-4
        "\r\n"  # line 5: blank, skipped
        "Globex,Hank,Reports\r"  # line 6: a lone CR ends a line too
        'Initech,"Peter\nGibbons",\n'  # lines 7-8
        ",,\n"  # line 9: empty cells only, skipped
        "Umbrella,Alice,Done\n"  # line 10
    )
    table = csvfile.parse_csv(text, ",")
    assert table.header_line == 1
    assert [(r.line, r.cells[0]) for r in table.records] == [
        (2, "Acme"),
        (6, "Globex"),
        (7, "Initech"),
        (10, "Umbrella"),
    ]
    assert table.records[0].cells[2] == "Launched\r\nthe shop\r\ntogether"


def test_a_header_alone_is_refused():
    with pytest.raises(ImportFileError, match=r"header row \(line 1\) but no rows below it"):
        upload.read_upload("people.csv", b"Client,Email\r\n\r\n,\r\n")


def test_an_unclosed_quote_names_the_line_it_opens_on():
    with pytest.raises(ImportFileError, match=r'Line 3: a quote \(".*never closed; the file ends on line 5'):
        csvfile.parse_csv('Client,Notes\nAcme,ok\nGlobex,"never closed\nmore\nand more\n', ",")


def test_text_after_a_closing_quote_is_explained():
    with pytest.raises(
        ImportFileError, match=r'Line 2: a quoted cell must end right after its closing quote.*\(""\)'
    ):
        csvfile.parse_csv('Client,Notes\n"Acme" Corp,x\n', ",")


def test_more_than_the_row_limit_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(csvfile, "MAX_ROWS", 5)
    text = "Client\n" + "".join(f"C{n}\n" for n in range(6))
    with pytest.raises(ImportFileError, match="more than 5 rows; goodterms imports up to 5 at a time"):
        csvfile.parse_csv(text, ",")
    assert len(csvfile.parse_csv(text, ",", limit=3).records) == 3  # the mapping page reads only the start


def test_too_many_columns_are_refused():
    header = ",".join(f"c{n}" for n in range(csvfile.MAX_COLUMNS + 1))
    with pytest.raises(ImportFileError, match=f"has {csvfile.MAX_COLUMNS + 1} columns"):
        csvfile.parse_csv(header + "\n" + "x\n", ",")


def test_ragged_rows_are_named_and_trailing_empty_cells_are_tolerated():
    preview = preview_of(
        "Client,Contact,Email\n"
        "Acme,Dana,dana@acme.example\n"
        "Acme,Eli\n"  # line 3: one cell short
        "Globex,Hank,hank@globex.example,,\n"  # line 4: two extra empty cells, as spreadsheets write
        "Initech,Peter,peter@initech.example,Bill Lumbergh\n"  # line 5: an extra value
        'Umbrella, "Wesker, Albert",albert@umbrella.example\n'  # line 6: a space before a quote
    )
    problems = problems_of(preview)
    assert problems[0].startswith("Line 3: This row has 2 cells but the header has 3")
    assert problems[1].startswith("Line 5: This row has 4 cells but the header has 3")
    assert "put that value in quotes" in problems[1]
    assert problems[2].startswith("Line 6: This row has 4 cells") and "remove the space" in problems[2]
    assert len(problems) == 3  # one problem per ragged row: its misaligned values are not checked one by one
    assert [row.outcome for row in preview.rows] == [
        Outcome.CONTACT,
        Outcome.ERROR,
        Outcome.CONTACT,
        Outcome.ERROR,
        Outcome.ERROR,
    ]


def test_first_and_last_name_columns_make_the_contact_name():
    preview = preview_of(
        "Company,First name,Last name,Email\nAcme,Dana,Diaz,dana@acme.example\nAcme,,Evans,\n"
    )
    assert [row.contact.name for row in preview.to_write if row.contact] == ["Dana Diaz", "Evans"]


def test_the_export_module_writes_the_headers_the_importer_reads():
    from goodterms.clients import exporting

    assert ",".join(exporting.CSV_HEADER) == EXPORT_HEADER
    for value in ("+44 20 7946 0000", "=SUM(A1)", "-5", "@home", "plain", "'quoted"):
        assert formulas.unneutralise(formulas.neutralise(value)) == value


def test_an_export_with_formula_guards_reimports_the_original_values():
    preview = preview_of(
        f"{EXPORT_HEADER}\nAcme,,active,,,,Dana,dana@acme.example,'+44 20 7946 0000,,,'=CTO,,no,,\n"
    )
    contact = preview.to_write[0].contact
    assert contact is not None
    assert (contact.phone, contact.role) == ("+44 20 7946 0000", "=CTO")


@given(table=tables(), delimiter=DELIMITERS, bom=st.booleans(), end=st.sampled_from(["\r\n", "\n"]))
def test_any_table_written_by_csv_writer_parses_back_with_its_line_numbers(table, delimiter, bom, end):
    header, rows = table
    text, lines = write(header, rows, delimiter, end)
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    assume(not data.startswith(_BINARY_MAGIC))
    parsed = csvfile.parse_csv(decoding.decode_text(data), delimiter)
    assert parsed.header == tuple(header)
    assert parsed.header_line == 1
    assert [record.cells for record in parsed.records] == [tuple(row) for row in rows]
    assert [record.line for record in parsed.records] == lines


@given(table=tables(header_cells=HEADER_NAME), delimiter=DELIMITERS, bom=st.booleans())
def test_the_delimiter_is_found_from_any_header_of_two_or_more_names(table, delimiter, bom):
    header, rows = table
    assume(len(header) >= 2)
    text, _ = write(header, rows, delimiter)
    uploaded = upload.read_upload("people.csv", ("\ufeff" if bom else "").encode() + text.encode())
    assert uploaded.delimiter == delimiter
    assert uploaded.header == tuple(header)
    assert uploaded.rows == len(rows)
