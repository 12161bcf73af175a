"""Reading YAML nodes with their line numbers: each complaint names the file, the line and what is allowed.

The generic helpers live in goodterms.lib.yamlnodes, shared with the playbooks; the rule-specific ones
(message templates, regular expressions) and RuleError live here.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from yaml.nodes import Node

from goodterms.lib.yamlnodes import (
    FLOAT,
    INT,
    STR,
    FileProblemsError,
    Problems,
    allowed,
    choice,
    line_of,
    mapping,
    number,
    text,
    text_list,
)

__all__ = [
    "FLOAT",
    "INT",
    "STR",
    "Problems",
    "RuleError",
    "allowed",
    "choice",
    "line_of",
    "mapping",
    "number",
    "pattern",
    "template",
    "text",
    "text_list",
]


class RuleError(FileProblemsError):
    """A rule file is wrong. `str()` gives one `file:line: problem` line per problem."""


_FORMATTER = string.Formatter()


def template(node: Node, what: str, names: Iterable[str], problems: Problems) -> str | None:
    """A message or suggestion that may use {placeholders} from `names` (and {{ }} for braces)."""
    value = text(node, what, problems)
    if value is None:
        return None
    known = set(names)
    try:
        fields = [field for _, field, spec, conv in _FORMATTER.parse(value) if field is not None]
    except ValueError as error:
        problems.add(node, f"{what} has unbalanced braces ({error}); write {{{{ and }}}} for a literal brace")
        return None
    names_allowed = allowed("{" + n + "}" for n in known) or "none"
    for field in fields:
        if field not in known:
            problems.add(
                node,
                f"{what} uses {{{field}}}; allowed placeholders: {names_allowed}",
            )
            return None
    return value


_NAMED_GROUP = re.compile(r"\(\?P[<=]")
_BACKREFERENCE = re.compile(r"\\(?:[1-9]|g<)")
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def pattern(node: Node, what: str, problems: Problems) -> str | None:
    """A regular expression that can sit inside one combined pattern (no named groups or backreferences)."""
    value = text(node, what, problems)
    if value is None:
        return None
    if _NAMED_GROUP.search(value) or _BACKREFERENCE.search(value):
        problems.add(node, f"bad regex {value!r} in {what}: named groups and backreferences are not allowed")
        return None
    if _GLOBAL_FLAGS.search(value):
        problems.add(
            node, f"bad regex {value!r} in {what}: use a scoped flag such as (?i:…) instead of a global (?i)"
        )
        return None
    try:
        compiled = re.compile(f"(?:{value})")
    except re.error as error:
        problems.add(node, f"bad regex {value!r} in {what}: {error}")
        return None
    if compiled.fullmatch("") is not None:
        problems.add(node, f"bad regex {value!r} in {what}: it matches empty text")
        return None
    return value
