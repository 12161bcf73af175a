"""The formula guard: what a spreadsheet would run is neutralised; a phone number in a phone column is not."""

from __future__ import annotations

import pytest

from goodterms.lib.formulas import is_phone_shaped, neutralise, unneutralise


@pytest.mark.parametrize("cell", ["+44 20 7946 0000", "+1 (555) 010-9999", "0151.2345.678", "-12", "(0)30 1"])
def test_a_phone_shaped_cell_stays_as_typed_in_a_phone_column(cell):
    assert is_phone_shaped(cell)
    assert neutralise(cell, phone=True) == cell
    assert unneutralise(neutralise(cell, phone=True)) == cell


@pytest.mark.parametrize("cell", ["+49 CALL", "=1+1", "@SUM", "+1\t2", "-1;2", "+", "- ( ) .", "\r12"])
def test_anything_else_starting_a_formula_is_neutralised_even_in_a_phone_column(cell):
    assert not is_phone_shaped(cell)
    assert neutralise(cell, phone=True) == "'" + cell
    assert unneutralise(neutralise(cell, phone=True)) == cell


def test_outside_a_phone_column_a_number_with_a_plus_is_still_neutralised():
    assert neutralise("+44 20 7946 0000") == "'+44 20 7946 0000"
