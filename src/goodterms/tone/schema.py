"""Reading YAML nodes with their line numbers: each complaint names the file, the line and what is allowed."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"


class RuleError(ValueError):
    """A rule file is wrong. `str()` gives one `file:line: problem` line per problem."""

    def __init__(self, problems: Sequence[tuple[str, int | None, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(
            f"{path}:{line}: {msg}" if line else f"{path}: {msg}" for path, line, msg in self.problems
        )


class Problems:
    """Collects problems in one file so that a user sees all of them at once."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[tuple[str, int | None, str]] = []

    def add(self, node: Node | None, message: str) -> None:
        self.found.append((self.path, line_of(node), message))


def line_of(node: Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


def allowed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def mapping(node: Node, what: str, problems: Problems) -> dict[str, Node] | None:
    if not isinstance(node, MappingNode):
        problems.add(node, f"{what} must be a mapping (key: value lines)")
        return None
    result: dict[str, Node] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or key.tag != STR:
            problems.add(key, f"keys in {what} must be words")
            continue
        if key.value in result:
            problems.add(key, f"{key.value!r} is given twice in {what}")
            continue
        result[key.value] = value
    return result


def text(node: Node, what: str, problems: Problems, *, allow_empty: bool = False) -> str | None:
    if not isinstance(node, ScalarNode) or node.tag != STR:
        problems.add(node, f"{what} must be text")
        return None
    value = str(node.value)
    if not allow_empty and not value.strip():
        problems.add(node, f"{what} must not be empty")
        return None
    return value


def choice(node: Node, what: str, choices: Iterable[str], problems: Problems) -> str | None:
    value = text(node, what, problems)
    options = tuple(choices)
    if value is not None and value not in options:
        problems.add(node, f"unknown {what} {value!r}; allowed: {allowed(options)}")
        return None
    return value


def text_list(node: Node, what: str, problems: Problems) -> list[str] | None:
    if not isinstance(node, SequenceNode):
        problems.add(node, f"{what} must be a list")
        return None
    values: list[str] = []
    ok = True
    for item in node.value:
        value = text(item, f"each item of {what}", problems)
        if value is None:
            ok = False
        else:
            values.append(value)
    if ok and not values:
        problems.add(node, f"{what} must not be an empty list")
        return None
    return values if ok else None


def number(node: Node, what: str, problems: Problems, *, integer: bool = False) -> float | None:
    tags = (INT,) if integer else (INT, FLOAT)
    if not isinstance(node, ScalarNode) or node.tag not in tags:
        problems.add(node, f"{what} must be {'a whole number' if integer else 'a number'}")
        return None
    value = float(yaml.safe_load(node.value))
    if value < 0:
        problems.add(node, f"{what} must not be negative")
        return None
    return value


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
