"""Field checks shared by the forms and the importers, so a typed value and an imported one obey one rule."""

import re

from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email

# CR, LF and the other line and paragraph breaks split an email header; NUL and other controls have no
# business in a name. Any of them in a single-line field is refused, never silently stripped.
_LINE_BREAKING = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def validate_single_line(value: str) -> None:
    match = _LINE_BREAKING.search(value)
    if match:
        char = match.group()
        name = {"\r": "a carriage return (CR)", "\n": "a line feed (LF)"}.get(
            char, f"the control character U+{ord(char):04X}"
        )
        raise ValidationError(f"Contains {name}; this field must be a single line.", code="line_break")


def normalize_email_address(value: str) -> str:
    """The address in its normal form, or ValidationError saying what is wrong with it."""
    validate_single_line(value)
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(f"Not a valid email address: {error}", code="invalid_email") from None
    return str(result.normalized)


def validate_email_address(value: str) -> None:
    normalize_email_address(value)
