"""Field checks that a typed value, an imported one and a message about to be sent all obey.

One rule for "a single line": no control character (tab, CR, LF, NUL…; Unicode category Cc) and no Unicode
line or paragraph separator (Zl, Zp). Such a character in a name or a subject could split an email header,
add a recipient, or make a row that can never be sent, so it is refused with its name, never stripped.
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from goodterms.lib.refused import Refused

_BREAKS = {"\r": "a carriage return (CR)", "\n": "a line feed (LF)", "\t": "a tab"}


class InvalidValue(Refused):
    """A value that breaks one of the field rules; `message` says which, in the user's words."""


def line_break(value: str) -> str | None:
    """The first character that makes `value` more than one clean line, or None."""
    for char in value:
        if unicodedata.category(char) in {"Cc", "Zl", "Zp"}:
            return char
    return None


def describe_character(char: str) -> str:
    """'a line feed (LF)', 'the control character U+0000': a character named so a user can find it."""
    if char in _BREAKS:
        return _BREAKS[char]
    if unicodedata.category(char) in {"Zl", "Zp"} or char == "\x85":
        return f"a line break (U+{ord(char):04X})"
    return f"the control character U+{ord(char):04X}"


def single_line_problem(value: str) -> str | None:
    """Why `value` is not a single line, or None when it is."""
    char = line_break(value)
    if char is None:
        return None
    return f"Contains {describe_character(char)}; this field must be a single line."


def check_single_line(value: str, *, field: str = "") -> None:
    """Raise InvalidValue naming the character when `value` is not a single line."""
    problem = single_line_problem(value)
    if problem is not None:
        raise InvalidValue(problem, field=field)


def normalize_email(value: str, *, field: str = "") -> str:
    """The address in its normal form, or InvalidValue saying what is wrong with it."""
    check_single_line(value, field=field)
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidValue(f"Not a valid email address: {error}", field=field) from None
    return str(result.normalized)
