"""Bytes to text (goodterms.clients.importing.decoding): encodings, byte-order marks, non-text files."""

from __future__ import annotations

import pytest

from goodterms.clients.importing import csvfile, decoding, upload
from goodterms.clients.importing.rows import ImportFileError


def test_a_utf8_bom_is_accepted_and_removed():
    text = decoding.decode_text(b"\xef\xbb\xbfClient,Email\r\nAcme,a@acme.example\r\n")
    assert text.startswith("Client,")
    assert csvfile.parse_csv(text, ",").header == ("Client", "Email")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read(codec):
    source = "Client\tContact\r\nZoë's Café\tRenée Ødegård\r\n"
    data = source.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    uploaded = upload.read_upload("people.txt", data)
    assert uploaded.delimiter == "\t"
    assert csvfile.parse_csv(uploaded.text, "\t").records[0].cells == ("Zoë's Café", "Renée Ødegård")


def test_a_file_that_is_not_utf8_names_the_line_the_byte_and_the_fix():
    data = "Client,Contact\nAcme,Dana\nCafé Noir,Zoë\n".encode("cp1252")
    with pytest.raises(ImportFileError) as caught:
        upload.read_upload("people.csv", data)
    message = caught.value.message
    assert "not UTF-8" in message
    assert "line 3 has the byte 0xE9 at byte 4 of the line" in message
    assert "CSV UTF-8" in message


def test_utf16_without_a_bom_is_recognised():
    with pytest.raises(ImportFileError, match="UTF-16 text without a byte-order mark"):
        decoding.decode_text("Client,Email\nAcme,a@acme.example\n".encode("utf-16-le"))


def test_a_nul_byte_is_refused_with_its_line():
    with pytest.raises(ImportFileError, match=r"Line 2 contains a NUL \(zero\) byte"):
        decoding.decode_text(b"Client,Email\nAc\x00me,a@acme.example\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n \n\t\n", "only blank lines"),
        (b"\xef\xbb\xbf", "only blank lines"),
        (b"PK\x03\x04\x14\x00\x06\x00binary", "Excel (.xlsx)"),
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (bytes(range(256)) * 4, "not UTF-8"),
    ],
)
def test_empty_and_binary_files_get_a_clear_message(data, message):
    with pytest.raises(
        ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        upload.read_upload("people.csv", data)


def test_a_workbook_extension_is_refused_before_reading():
    with pytest.raises(ImportFileError, match=r"“clients.xlsx” is a \.xlsx file.*CSV UTF-8"):
        upload.read_upload("clients.xlsx", b"Client\nAcme\n")
