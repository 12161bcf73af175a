"""Field checks that a typed value, an imported one and a message about to be sent all obey.

One rule for "a single line": no control character (tab, CR, LF, NUL…; Unicode category Cc) and no Unicode
line or paragraph separator (Zl, Zp). Such a character in a name or a subject could split an email header,
add a recipient, or make a row that can never be sent, so it is refused with its name, never stripped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import idna
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
    return email_address(value, field=field).address


@dataclass(frozen=True)
class EmailAddress:
    """One address, as people read it and as it goes on the wire.

    `address` is the normal form (dana@straße.example). `envelope` is what goes in MAIL FROM and RCPT TO and
    in the headers: the domain encoded with IDNA 2008 and UTS #46 (dana@xn--strae-oqa.example), never Python's
    IDNA 2003 codec, which folds ß to ss (and the Greek final sigma to a plain one) and so sends to another
    domain. A local part that is not
    ASCII (josé@…) cannot be encoded; it stays UTF-8 and needs a server that offers SMTPUTF8 (`smtputf8`).
    """

    address: str
    envelope: str
    smtputf8: bool


def email_address(value: str, *, field: str = "") -> EmailAddress:
    """The address checked and in both forms, or InvalidValue saying what is wrong with it."""
    checked = _checked_address(value)
    if isinstance(checked, str):
        raise InvalidValue(checked, field=field)
    return checked


@lru_cache(maxsize=4096)  # a batch of sends checks the same sender, and each recipient more than once
def _checked_address(value: str) -> EmailAddress | str:
    """The address in both forms, or why it is refused (a plain string, so the answer can be cached)."""
    problem = single_line_problem(value)
    if problem is not None:
        return problem
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        return f"Not a valid email address: {error}"
    envelope = result.ascii_email or f"{result.local_part}@{result.ascii_domain}"
    return EmailAddress(address=str(result.normalized), envelope=envelope, smtputf8=bool(result.smtputf8))


def sender_address(value: str, *, field: str = "") -> EmailAddress:
    """An address goodterms sends from: checked like any address, except that a local domain an operator
    configured (goodterms@localhost) is allowed. Its domain is encoded the same way (IDNA 2008, UTS #46)."""
    try:
        return email_address(value, field=field)
    except InvalidValue:
        check_single_line(value, field=field)
        local, at, domain = value.strip().rpartition("@")
        if not at or not local or not domain or any(c.isspace() for c in value.strip()):
            raise InvalidValue(f"Not a valid email address: {value!r}", field=field) from None
        try:
            ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
        except idna.IDNAError as error:
            raise InvalidValue(f"Not a valid email address: {error}", field=field) from None
        smtputf8 = not local.isascii()
        return EmailAddress(address=value.strip(), envelope=f"{local}@{ascii_domain}", smtputf8=smtputf8)
