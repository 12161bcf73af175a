"""Spreadsheet formulas in CSV cells: written safe on export, read back as typed on import.

A spreadsheet runs a cell that starts with one of FORMULA_TRIGGERS as a formula (CSV injection). OWASP's
advice is to prefix such a cell with a single quote, so that the spreadsheet reads it as text; goodterms'
importer takes the quote off again, so an export re-imports unchanged.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """'=SUM(A1)' -> "'=SUM(A1)": a cell a spreadsheet would run as a formula becomes plain text."""
    return f"'{cell}" if cell.startswith(FORMULA_TRIGGERS) else cell


def unneutralise(cell: str) -> str:
    """The cell as typed, from what neutralise() wrote."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS) else cell
