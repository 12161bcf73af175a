"""Importing clients and contacts from CSV and vCard files, every row checked before anything is written.

The data flows through one module per job, in this order:

    upload.read_upload(filename, bytes) -> UploadedFile   the file as a whole: decoded, format told, all read
      decoding.decode_text(bytes) -> str                  encodings and byte-order marks; what a line is
      csvfile.parse_csv(text, delimiter) -> CsvTable      records with the file line where each one starts
      vcard.split_vcards(text)                            cards with the line where each one starts
    fields.guess_mapping(header, empty) -> {column: field} which CSV column holds which goodterms field (the
                                                          columns empty in every row left out; a layout
                                                          seen before gets its remembered mapping instead,
                                                          keyed by fields.header_hash)
      csvfile.csv_rows splits Google's "a ::: b" cells: email and phone take every column of their kind,
      the first value is used and the rest kept as other emails and phones
    upload.read_source(...) -> Source                     a stored batch back into rows (rows.py: one shape
                                                          for both formats, via csvfile.csv_rows and
                                                          vcard.vcard_rows)
    preview.build_preview(source, existing) -> Preview    every problem and duplicate; what a commit writes
    summary.summary_message(stats)                        what was, or will be, imported, in words

The split follows what changes together: a new header synonym touches fields.py, a new encoding
decoding.py, a spreadsheet's CSV quirk csvfile.py, an address book's vCard quirk vcard.py, a new form rule
or duplicate rule preview.py. rows.py holds what the readers share (the row shape, the file error, the row
limit), so that neither reader imports the other; upload.py is the only module that knows both formats.

Only preview.py uses Django: it cleans each value with the web forms' own fields, so an import cannot store
what the forms would refuse. Every other module is plain Python (tests/architecture checks that none imports
Django, directly or through another module), so the parsers can be read, fuzzed and profiled without a
settings module. For the same reason this package loads preview.py only when one of its names is first used:
`import goodterms.clients.importing.csvfile` runs this file, and must not bring Django in with it.

Nothing here reads or writes the database: `clients.selectors` loads what the organization has
(`import_existing`) and reads a stored batch back (`import_source`, `import_preview`); `clients.services`
stores the upload and writes the commit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from goodterms.clients.importing.csvfile import (
    DELIMITERS,
    MAX_COLUMNS,
    CsvTable,
    Record,
    csv_rows,
    empty_columns,
    parse_csv,
    sniff_delimiter,
)
from goodterms.clients.importing.decoding import decode_text
from goodterms.clients.importing.fields import (
    FIELDS,
    WHY_HEADER,
    ImportField,
    check_mapping,
    guess_mapping,
    header_hash,
    mapping_from_json,
    mapping_to_json,
)
from goodterms.clients.importing.rows import MAX_ROWS, ImportFileError, Problem, Source, SourceRow
from goodterms.clients.importing.summary import problems_by_field, summary_message
from goodterms.clients.importing.upload import UploadedFile, read_source, read_upload
from goodterms.clients.importing.vcard import NO_ORGANIZATION, split_vcards, vcard_rows

# Loaded on first use (see the docstring): the names preview.py provides.
_FROM_PREVIEW = frozenset(
    {
        "SAMPLE_ROWS",
        "Existing",
        "ExistingClient",
        "NewClient",
        "NewContact",
        "Outcome",
        "Preview",
        "PreviewRow",
        "build_preview",
    }
)

if TYPE_CHECKING:
    from goodterms.clients.importing.preview import (
        SAMPLE_ROWS,
        Existing,
        ExistingClient,
        NewClient,
        NewContact,
        Outcome,
        Preview,
        PreviewRow,
        build_preview,
    )
else:
    # Hidden from mypy, which would otherwise accept any name of this package as `object`.
    def __getattr__(name: str) -> object:
        """preview.py's names, imported (with Django) the first time one is asked for."""
        if name not in _FROM_PREVIEW:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.preview"), name)
        globals()[name] = value
        return value


__all__ = [
    "DELIMITERS",
    "FIELDS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "NO_ORGANIZATION",
    "SAMPLE_ROWS",
    "WHY_HEADER",
    "CsvTable",
    "Existing",
    "ExistingClient",
    "ImportField",
    "ImportFileError",
    "NewClient",
    "NewContact",
    "Outcome",
    "Preview",
    "PreviewRow",
    "Problem",
    "Record",
    "Source",
    "SourceRow",
    "UploadedFile",
    "build_preview",
    "check_mapping",
    "csv_rows",
    "decode_text",
    "empty_columns",
    "guess_mapping",
    "header_hash",
    "mapping_from_json",
    "mapping_to_json",
    "parse_csv",
    "problems_by_field",
    "read_source",
    "read_upload",
    "sniff_delimiter",
    "split_vcards",
    "summary_message",
    "vcard_rows",
]
