"""Property tests for the export's pure functions: any text survives CSV and vCard, formulas never run."""

from __future__ import annotations

import csv
import io

import vobject
from hypothesis import given
from hypothesis import strategies as st

from goodterms.clients import exporting
from goodterms.clients.models import Client, Contact
from goodterms.lib.formulas import is_phone_shaped

FORMULA_CHARACTERS = ("=", "+", "-", "@", "\t", "\r")

# Plain text, plus text that starts with a formula character, so both branches are always exercised.
cells = st.text() | st.builds(
    lambda first, rest: first + rest, st.sampled_from(FORMULA_CHARACTERS), st.text()
)
rows = st.lists(st.lists(cells, min_size=1, max_size=15), max_size=8)


def _parse(chunks: list[str]) -> list[list[str]]:
    text = "".join(chunks)
    assert text.startswith(exporting.BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(exporting.BOM), newline="")))


@given(rows=rows, rows_per_chunk=st.integers(min_value=1, max_value=4))
def test_each_csv_cell_comes_back_unchanged_or_with_one_quote_before_a_formula(rows, rows_per_chunk):
    parsed = _parse(list(exporting.csv_chunks(rows, rows_per_chunk=rows_per_chunk)))
    assert parsed[0] == list(exporting.CSV_HEADER)
    assert len(parsed) == len(rows) + 1
    for written, read in zip(rows, parsed[1:], strict=True):
        assert len(read) == len(written)
        for column, (original, cell) in enumerate(zip(written, read, strict=True)):
            if column in exporting.PHONE_COLUMNS and all(map(is_phone_shaped, original.split("\n"))):
                assert cell == original  # phone numbers are written as typed, even "+44 20 …" or "-0"
            elif original.startswith(FORMULA_CHARACTERS):
                assert cell == "'" + original
            else:
                assert cell == original


@given(cell=cells)
def test_no_exported_cell_outside_the_phone_column_starts_a_formula(cell):
    [row] = _parse(list(exporting.csv_chunks([[cell]])))[1:]
    assert not row[0].startswith(FORMULA_CHARACTERS)


def _one_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@given(
    name=st.text(min_size=1).filter(str.strip),
    client_name=st.text(min_size=1),
    role=st.text(),
    phone=st.text(),
    notes=st.text(),
    email=st.emails(),
)
def test_a_vcard_parses_back_to_the_same_contact(name, client_name, role, phone, notes, email):
    contact = Contact(
        name=name, email=email, phone=phone, role=role, private_notes=notes, client=Client(name=client_name)
    )
    card = vobject.readOne(exporting.vcard(contact))
    assert card.version.value == "3.0"
    assert card.fn.value == _one_line_ends(name)
    assert card.org.value == [_one_line_ends(client_name)]
    assert card.email.value == email
    assert (card.tel.value if phone else None) == (_one_line_ends(phone) if phone else None)
    assert (card.title.value if role else None) == (_one_line_ends(role) if role else None)
    assert (card.note.value if notes else None) == (_one_line_ends(notes) if notes else None)
    if "," not in name:  # without a comma ("Dana Diaz, CTO" keeps only the name in N), N has every word
        n = card.n.value
        words = " ".join((n.prefix, n.given, n.additional, n.family, n.suffix)).split()
        assert sorted(words) == sorted(_one_line_ends(name).split())
