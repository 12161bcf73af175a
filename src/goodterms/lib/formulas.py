"""Spreadsheet formulas in CSV cells: written safe on export, read back as typed on import.

A spreadsheet runs a cell that starts with one of FORMULA_TRIGGERS as a formula (CSV injection). OWASP's
advice is to prefix such a cell with a single quote, so that the spreadsheet reads it as text; goodterms'
importer takes the quote off again, so an export re-imports unchanged.

A phone number is the exception: "+49 151 2345678" is written as typed when the column holds phone numbers
(`phone=True`), because the quote shows in other tools (address books, CRMs) that read the file. A cell made
only of digits, spaces and + - ( ) . can name no function, cell or link, so at worst a spreadsheet does
arithmetic with it; anything else in a phone column (a letter, =, @, a tab) is still neutralised.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Digits, spaces and + - ( ) . only, with at least one digit: what people type as a phone number.
PHONE_SHAPE = re.compile(r"[0-9 +\-().]*[0-9][0-9 +\-().]*")


def is_phone_shaped(cell: str) -> bool:
    return PHONE_SHAPE.fullmatch(cell) is not None


def neutralise(cell: str, *, phone: bool = False) -> str:
    """'=SUM(A1)' -> "'=SUM(A1)": a cell a spreadsheet would run as a formula becomes plain text.

    With `phone=True` (a phone number column), a phone-shaped cell such as '+44 20 7946 0000' stays as typed,
    and so does a cell of such numbers one a line.
    """
    if phone and all(is_phone_shaped(line) for line in cell.split("\n")):
        return cell  # one number, or one a line (the other phone numbers)
    return f"'{cell}" if cell.startswith(FORMULA_TRIGGERS) else cell


def unneutralise(cell: str) -> str:
    """The cell as typed, from what neutralise() wrote."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS) else cell
