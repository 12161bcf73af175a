"""One single-line rule for forms, the importer and the outbox (goodterms.lib.checks)."""

import pytest

from goodterms.lib import checks


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("Dana\tDiaz", "a tab"),
        ("Dana\rDiaz", "a carriage return (CR)"),
        ("Dana\nBcc: x@y.example", "a line feed (LF)"),
        ("Dana\u2028Diaz", "a line break (U+2028)"),
        ("Dana\u2029Diaz", "a line break (U+2029)"),
        ("Dana\x85Diaz", "a line break (U+0085)"),
        ("Dana\x00Diaz", "the control character U+0000"),
        ("Dana\x9bDiaz", "the control character U+009B"),
    ],
)
def test_a_break_is_refused_by_name(value, named):
    assert checks.single_line_problem(value) == f"Contains {named}; this field must be a single line."
    with pytest.raises(checks.InvalidValue, match="single line") as refused:
        checks.check_single_line(value, field="name")
    assert refused.value.field == "name"


@pytest.mark.parametrize(
    "value", ["Dana Díaz", "Zoë 😀 Ünal", "דנה דיאז", "محمد علي", "Mr. O'Brien-Smith", "山田 太郎", ""]
)
def test_ordinary_names_in_any_script_are_one_line(value):
    assert checks.single_line_problem(value) is None
    checks.check_single_line(value)


def test_an_address_is_normalised_or_refused_with_the_reason():
    assert checks.normalize_email(" Dana@Acme.Example ") == "Dana@acme.example"
    with pytest.raises(checks.InvalidValue, match="Not a valid email address"):
        checks.normalize_email("dana at acme")
    with pytest.raises(checks.InvalidValue, match="a line feed"):
        checks.normalize_email("dana@acme.example\nBcc: eve@evil.example")
