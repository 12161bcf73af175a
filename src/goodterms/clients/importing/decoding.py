"""Bytes to text: which files are text at all, their encoding and byte-order mark, and what a line is.

`decode_text` accepts UTF-8 (with or without a BOM) and UTF-16 or UTF-32 with a BOM, and refuses anything
else saying why (for a byte UTF-8 does not allow, its line and place) and how to save the file again;
`file_extension` refuses workbooks, PDFs and archives by name before their bytes are read. `LINE_BREAK`
counts lines as a text editor does (CR, LF and CRLF each end one), for these messages and the vCard reader's.

Plain Python, no Django.
"""

from __future__ import annotations

import re

from goodterms.clients.importing.rows import ImportFileError

# Line breaks as a text editor counts them (and as csv.reader over newline="" text does).
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")

_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_SAVE_AS_UTF8 = (
    "Open it in your spreadsheet and save it as “CSV UTF-8 (Comma delimited)” (Excel) or with the "
    "character set “Unicode (UTF-8)” (LibreOffice, Numbers, Google Sheets download as CSV), "
    "then upload that file."
)
_NOT_A_TEXT_FILE = {
    b"PK\x03\x04": "a ZIP archive, which is what Excel (.xlsx), Numbers and LibreOffice (.ods) workbooks are",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF document",
}
_UNSUPPORTED_EXTENSIONS = {
    "xlsx",
    "xlsm",
    "xls",
    "ods",
    "numbers",
    "pdf",
    "doc",
    "docx",
    "zip",
    "json",
    "xml",
}


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte-in-line of `offset`, counting CR, LF and CRLF as a text editor does."""
    before = data[:offset]
    breaks = list(_LINE_BREAK_BYTES.finditer(before))
    line_start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, offset - line_start + 1


def decode_text(data: bytes) -> str:
    """The file's text, or ImportFileError saying why it is not UTF-8 (or UTF-16/32 with a BOM) text."""
    if not data:
        raise ImportFileError("The file is empty.")
    for magic, what in _NOT_A_TEXT_FILE.items():
        if data.startswith(magic):
            raise ImportFileError(f"This file is {what}, not a CSV or vCard file. {_SAVE_AS_UTF8}")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    f"The file starts with a {name} byte-order mark but is not valid {name} text after byte "
                    f"{error.start + len(bom):,}. {_SAVE_AS_UTF8}"
                ) from None
            break
    else:
        sample = data[:400]
        if len(sample) >= 4 and (
            sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
        ):
            raise ImportFileError(
                "The file looks like UTF-16 text without a byte-order mark, which goodterms cannot read "
                "safely. " + _SAVE_AS_UTF8
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = _line_and_column(data, error.start)
            raise ImportFileError(
                f"The file is not UTF-8 text: line {line} has the byte 0x{data[error.start]:02X} at byte "
                f"{column} of the line (byte {error.start + 1:,} of the file), which UTF-8 does not allow. "
                f"It was probably "
                f"saved as Windows-1252 or Latin-1, or it is not a text file at all. {_SAVE_AS_UTF8}"
            ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = len(LINE_BREAK.findall(text, 0, nul)) + 1
        raise ImportFileError(
            f"Line {line} contains a NUL (zero) byte. Text files never do: this looks like a binary file, "
            f"not a CSV or vCard file. {_SAVE_AS_UTF8}"
        )
    if not text.strip():
        raise ImportFileError("The file is empty: it has only blank lines.")
    return text


def file_extension(filename: str) -> str:
    """'People.CSV' -> 'csv' ("" for none); ImportFileError for a workbook, PDF or archive named as one."""
    extension = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if extension in _UNSUPPORTED_EXTENSIONS:
        raise ImportFileError(
            f"goodterms imports CSV files (.csv, .tsv, .txt) and vCard files (.vcf); “{filename}” is a "
            f".{extension} file. {_SAVE_AS_UTF8}"
        )
    return extension
