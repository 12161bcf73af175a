"""The file as a whole (goodterms.clients.importing.upload): no file, however broken, raises anything else."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from goodterms.clients.importing import fields, upload
from goodterms.clients.importing.preview import Existing, Outcome, build_preview
from goodterms.clients.importing.rows import ImportFileError


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
        uploaded = upload.read_upload(filename, data)
    except ImportFileError as error:
        assert error.message.strip()
        return
    source = upload.read_source(
        file_format=uploaded.format, text=uploaded.text, delimiter=uploaded.delimiter,
        mapping=fields.guess_mapping(uploaded.header) or {0: "client_name"},
    )  # fmt: skip
    preview = build_preview(source, Existing())
    lines = {row.line for row in source.rows}
    assert all(problem.line >= 1 for problem in preview.problems)
    assert len(preview.rows) == uploaded.rows
    # Every row's problems point into the file, and a row with a problem is never written.
    assert {row.line for row in preview.rows if row.outcome == Outcome.ERROR} <= lines
    assert not (preview.can_commit and preview.problems)
