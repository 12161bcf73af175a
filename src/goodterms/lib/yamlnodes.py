"""Reading YAML nodes with their line numbers, shared by the tone rules and the playbooks.

Data files are read as node trees (yaml.compose), not as plain values, so that every complaint can name the
file and the line it is about. A `Problems` collects the complaints of one file, so that a user sees all of
them at once instead of fixing one error per run. Plain Python: no Django here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"

Problem = tuple[str, int | None, str]  # (file, line or None, what is wrong)

try:  # libyaml's composer is several times faster, and gives the same marks
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


class FileProblemsError(ValueError):
    """One or more data files are wrong. `str()` gives one `file:line: problem` line per problem."""

    def __init__(self, problems: Sequence[Problem]) -> None:
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
        self.found: list[Problem] = []

    def add(self, node: Node | None, message: str) -> None:
        self.found.append((self.path, line_of(node), message))


def line_of(node: Node | None) -> int | None:
    return None if node is None else node.start_mark.line + 1


def allowed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def compose(source: str, problems: Problems) -> Node | None:
    """The node tree of a YAML text, or None (with the syntax error recorded at its line)."""
    try:
        return yaml.compose(source, Loader=Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problems.found.append((problems.path, line, f"not valid YAML: {getattr(error, 'problem', error)}"))
        return None


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


def whole_number(node: Node, what: str, problems: Problems) -> int | None:
    """A whole number that may be negative (number() refuses those)."""
    if not isinstance(node, ScalarNode) or node.tag != INT:
        problems.add(node, f"{what} must be a whole number")
        return None
    value = yaml.safe_load(node.value)
    if not isinstance(value, int):  # pragma: no cover - the int tag always resolves to an int
        problems.add(node, f"{what} must be a whole number")
        return None
    return value


def flag(node: Node, what: str, problems: Problems) -> bool | None:
    """true or false (YAML's other spellings of a boolean, such as yes and on, are refused as unclear)."""
    spelled = str(node.value).lower() if isinstance(node, ScalarNode) else None
    if not isinstance(node, ScalarNode) or node.tag != BOOL or spelled not in ("true", "false"):
        problems.add(node, f"{what} must be true or false")
        return None
    return spelled == "true"
