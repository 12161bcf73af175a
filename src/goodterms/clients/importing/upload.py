"""The file as a whole: an upload read and checked once, and a stored one read back into rows.

`read_upload` decodes the bytes, tells a vCard file from a CSV file (BEGIN:VCARD first, or a .vcf or
.vcard name), and reads it all, so that a file that cannot be imported is refused at upload and the later
pages only have row problems to show. The batch keeps the text, format and delimiter; `read_source` reads
them back into the rows the preview checks, for the preview page and again at commit.

Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from goodterms.clients.importing.csvfile import csv_rows, empty_columns, parse_csv, sniff_delimiter
from goodterms.clients.importing.decoding import decode_text, file_extension
from goodterms.clients.importing.rows import Source
from goodterms.clients.importing.vcard import split_vcards, vcard_rows


@dataclass(frozen=True)
class UploadedFile:
    format: str  # "csv" or "vcard" (ImportBatch.Format values)
    text: str
    delimiter: str  # "" for vCard
    header: tuple[str, ...]
    rows: int
    empty_columns: frozenset[int] = frozenset()  # CSV: the columns empty in every row


def read_upload(filename: str, data: bytes) -> UploadedFile:
    """Decode and check a whole file, so that the preview only has row problems left to show."""
    extension = file_extension(filename)
    text = decode_text(data)
    if text.lstrip()[:11].upper() == "BEGIN:VCARD" or extension in ("vcf", "vcard"):
        return UploadedFile("vcard", text, "", (), len(split_vcards(text)))
    delimiter = sniff_delimiter(text)
    table = parse_csv(text, delimiter)
    return UploadedFile("csv", text, delimiter, table.header, len(table.records), empty_columns(table))


def read_source(
    *, file_format: str, text: str, delimiter: str, mapping: Mapping[int, str], default_client: str = ""
) -> Source:
    """A stored batch's rows, in the one shape the preview checks."""
    if file_format == "vcard":
        return vcard_rows(text, default_client=default_client)
    return csv_rows(parse_csv(text, delimiter or ","), mapping)
