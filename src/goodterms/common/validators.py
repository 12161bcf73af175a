"""The field rules of goodterms.lib.checks as Django validators, so a form refuses what the importer and
the outbox refuse, in the same words."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from goodterms.lib import checks


def validate_single_line(value: str) -> None:
    problem = checks.single_line_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="line_break")


def normalize_email_address(value: str) -> str:
    """The address in its normal form, or ValidationError saying what is wrong with it."""
    try:
        return checks.normalize_email(value)
    except checks.InvalidValue as invalid:
        raise ValidationError(invalid.message, code="invalid_email") from None


def validate_email_address(value: str) -> None:
    normalize_email_address(value)


class EmailAddressInput(forms.TextInput):
    """An address field as text with the email keyboard, not <input type="email">: browsers convert an
    international domain in such a field with the old IDNA 2003 rules (straße.example becomes
    strasse.example, another domain) before the form is sent, and refuse a local part like josé@."""

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(
            {"inputmode": "email", "autocomplete": "email", "spellcheck": "false", **(attrs or {})}
        )
