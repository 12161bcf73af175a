"""Checking and rendering a template in Jinja's sandbox: a small language of plain text, `{{ field }}` and
`{% if field %}`, over the fields in goodterms.templating.fields and nothing else."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.filters import FILTERS
from jinja2.sandbox import SandboxedEnvironment

from goodterms.templating.fields import FIELDS

Part = Literal["subject", "body"]

MAX_DEPTH = 8  # {% if %} blocks inside each other; a message needs one or two

# Case and whitespace filters, without arguments: enough to write "{{ client|upper }}", nothing more.
ALLOWED_FILTERS = ("lower", "title", "trim", "upper")

ALONE = "{{ client }}"

# The tag a user typed, for statement nodes the small language refuses.
_TAGS = {
    "For": "for",
    "Macro": "macro",
    "CallBlock": "call",
    "FilterBlock": "filter",
    "Set": "set",
    "AssignBlock": "set",
    "Include": "include",
    "Extends": "extends",
    "Import": "import",
    "FromImport": "from … import",
    "Block": "block",
    "With": "with",
    "Scope": "scope",
    "ExprStmt": "do",
}


@dataclass(frozen=True)
class Problem:
    """Something wrong with a template, at a line of its subject or body."""

    part: Part
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.part.capitalize()}, line {self.line}" if self.line else self.part.capitalize()
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


class TemplateProblems(ValueError):
    """The template breaks the rules of check_template(); `problems` lists each one with its line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class MissingFields(ValueError):
    """Fields the template needs are missing or empty. `fields` names them in FIELDS order."""

    def __init__(self, names: Iterable[str]) -> None:
        self.fields = tuple(names)
        described = "; ".join(f"{name} ({FIELDS[name].description})" for name in self.fields)
        super().__init__(f"these fields are empty, so the message would have gaps: {described}")


@cache
def environment() -> SandboxedEnvironment:
    """The one sandboxed environment: plain text out, no globals, only the allowed filters."""
    env = SandboxedEnvironment(
        # Messages are plain text, not HTML: escaping would put "&amp;" into an email.
        autoescape=False,
        undefined=StrictUndefined,
        # A {% if %} on a line of its own leaves no blank line behind.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,  # render() trims the ends anyway; one rule, not two
    )
    env.globals.clear()  # no range(), lipsum(), dict(), … : a template only has its fields
    env.filters = {name: FILTERS[name] for name in ALLOWED_FILTERS}
    env.tests = {}
    return env


@lru_cache(maxsize=256)
def _parse(source: str) -> nodes.Template:
    return environment().parse(source)


def fields_used(source: str) -> frozenset[str]:
    """The variables a template refers to (after check_template(), all of them are fields)."""
    return frozenset(meta.find_undeclared_variables(_parse(source)))


def check_template(subject_source: str, body_source: str) -> list[Problem]:
    """Every problem with a template, each at its line; an empty list means it may be saved."""
    problems: list[Problem] = []
    if not subject_source.strip():
        problems.append(Problem("subject", None, "the subject is empty"))
    elif "\n" in subject_source.strip() or "\r" in subject_source.strip():
        problems.append(Problem("subject", 2, "the subject must be a single line"))
    if not body_source.strip():
        problems.append(Problem("body", None, "the body is empty"))
    parts: tuple[tuple[Part, str], ...] = (("subject", subject_source), ("body", body_source))
    for part, source in parts:
        if source.strip():
            problems.extend(_check_source(part, source))
    return problems


def _check_source(part: Part, source: str) -> list[Problem]:
    try:
        tree = _parse(source)
        checker = _Checker(part, source)
        checker.statements(tree.body, frozenset())
    except TemplateSyntaxError as error:
        return [_syntax_problem(part, source, error)]
    except RecursionError:  # thousands of nested brackets or blocks: refused, not a server error
        return [Problem(part, None, "the template is nested too deeply")]
    return checker.problems


def _syntax_problem(part: Part, source: str, error: TemplateSyntaxError) -> Problem:
    """A template Jinja cannot read, in plain words, at the line where the user must look. Jinja reports an
    {% if %} that is never closed at the end of the text; the line that needs fixing is the {% if %}'s."""
    blocks = _unbalanced_blocks(source)
    if blocks is not None:
        line, tag, message = blocks
        return Problem(part, line, _quote(source, line, tag) + message)
    where: int | None = error.lineno or None
    text = _line(source, where)
    quoted = f"`{text}` — " if text else ""
    if "{{" in text and "}}" not in text:
        return Problem(part, where, f"{quoted}a {{{{ is never closed: end the field with }}}}")
    if "{%" in text and "%}" not in text:
        return Problem(part, where, f"{quoted}a {{% is never closed: end the tag with %}}")
    return Problem(
        part,
        where,
        f"{quoted}goodterms cannot read this line as a template: write a field as {{{{ first_name }}}} "
        f"and a condition as {{% if field %}} … {{% endif %}} (Jinja says: {error.message or 'no reason'})",
    )


def _unbalanced_blocks(source: str) -> tuple[int, str, str] | None:
    """The first {% if %} never closed, or an {% endif %} / {% else %} with no {% if %} open, from the tags
    alone; None when the tags balance (the problem is elsewhere) or the text cannot even be split."""
    opened: list[int] = []
    expect_name = False
    try:
        for lineno, kind, value in environment().lex(source):
            if kind == "block_begin":
                expect_name = True
                continue
            if kind == "whitespace" or not expect_name:
                continue
            expect_name = False
            if kind != "name":
                continue
            if value == "if":
                opened.append(lineno)
            elif value in ("elif", "else") and not opened:
                return lineno, value, f"an {{% {value} %}} with no {{% if %}} before it"
            elif value == "endif":
                if not opened:
                    return (
                        lineno,
                        value,
                        "an {% endif %} with no {% if %} before it: remove it, or add the {% if %}",
                    )
                opened.pop()
    except TemplateSyntaxError:
        return None
    if opened:
        return opened[0], "if", "a {% if %} is never closed: add {% endif %} where the part it covers ends"
    return None


def _quote(source: str, line: int | None, words: str) -> str:
    """ "`{{ client.nmae }}` — ": the {{ … }} or {% … %} of the line that uses `words`, to start a message."""
    text = _line(source, line)
    if not text:
        return ""
    tags = re.findall(r"\{\{.*?\}\}|\{%.*?%\}", text)
    for tag in tags:
        if words and re.search(rf"\b{re.escape(words)}\b", tag):
            return f"`{tag}` — "
    return f"`{tags[0]}` — " if len(tags) == 1 else f"`{text}` — "


def _line(source: str, line: int | None) -> str:
    lines = source.splitlines()
    if line is None or not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].strip()
    return text if len(text) <= 80 else text[:79] + "…"


def _suggest(name: str) -> str:
    """'; did you mean first_name?' for a name close to a field's, or nothing."""
    close = difflib.get_close_matches(name, list(FIELDS), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else f"; the fields are: {', '.join(FIELDS)}"


class _Checker:
    """Walks a parsed template and notes everything outside the small language described at the top."""

    def __init__(self, part: Part, source: str = "") -> None:
        self.part = part
        self.source = source
        self.problems: list[Problem] = []

    def add(self, node: nodes.Node, message: str, words: str = "") -> None:
        """A problem at the node's line; `words` (a name the node uses) picks the {{ … }} or {% … %} of
        that line to quote, so the user sees which part of the line is meant."""
        self.problems.append(
            Problem(self.part, node.lineno, _quote(self.source, node.lineno, words) + message)
        )

    def statements(self, body: Iterable[nodes.Node], guarded: frozenset[str], depth: int = 0) -> None:
        for node in body:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if not isinstance(child, nodes.TemplateData):
                        self.output(child, guarded)
            elif isinstance(node, nodes.If) and depth >= MAX_DEPTH:
                self.add(node, f"{{% if %}} blocks may be nested at most {MAX_DEPTH} deep")
            elif isinstance(node, nodes.If):
                self.test(node.test)
                self.statements(node.body, guarded | _tested(node.test), depth + 1)
                for branch in node.elif_:
                    self.test(branch.test)
                    self.statements(branch.body, guarded | _tested(branch.test), depth + 1)
                self.statements(node.else_, guarded, depth + 1)
            else:
                tag = _TAGS.get(type(node).__name__, type(node).__name__.lower())
                self.add(node, f"{{% {tag} %}} is not allowed; only {{% if field %}} … {{% endif %}} is")

    def output(self, node: nodes.Node, guarded: frozenset[str]) -> None:
        """What goes between {{ and }}: a field, maybe through one of the allowed filters."""
        if isinstance(node, nodes.Name):
            self.known(node)  # an optional field outside {% if %} is fine: render() marks it when empty
        elif isinstance(node, nodes.Const):
            pass  # {{ "{{" }} is how to write braces literally
        elif isinstance(node, nodes.Filter):
            if node.name not in ALLOWED_FILTERS:
                self.add(
                    node, f"the filter {node.name!r} is not allowed; allowed: {', '.join(ALLOWED_FILTERS)}"
                )
            elif node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
                self.add(node, f"the filter {node.name!r} takes no arguments here")
            if node.node is not None:
                self.output(node.node, guarded)
        elif isinstance(node, nodes.Getattr):
            base = node.node.name if isinstance(node.node, nodes.Name) else ""
            self.add(node, _dotted(base, node.attr), words=node.attr)
        elif isinstance(node, nodes.Getitem):
            self.add(node, f"indexing with [ ] is not allowed: use a field's name alone, like {ALONE}")
        elif isinstance(node, nodes.Call):
            self.add(node, f"calling functions is not allowed: use a field's name alone, like {ALONE}")
        else:
            self.add(node, "only a field's name can go inside {{ }}, like {{ first_name }}")

    def test(self, node: nodes.Node) -> None:
        """What an {% if %} may test: fields, combined with and, or, not."""
        if isinstance(node, nodes.Name):
            self.known(node)
        elif isinstance(node, nodes.Not):
            self.test(node.node)
        elif isinstance(node, nodes.And | nodes.Or):
            self.test(node.left)
            self.test(node.right)
        else:
            self.add(node, "an {% if %} can only test whether fields are filled in, with and, or, not")

    def known(self, node: nodes.Name) -> bool:
        if node.name in FIELDS:
            return True
        self.add(
            node,
            f"unknown field {node.name!r}: there is no field called {node.name}{_suggest(node.name)}",
            words=node.name,
        )
        return False


def _dotted(base: str, attr: str) -> str:
    """`{{ client.nmae }}`: fields have no parts after a dot; propose the field the user most likely meant."""
    said = f"{base}.{attr}" if base else f".{attr}"
    candidates = [f"{base}_{attr}", attr, base] if base else [attr]
    for candidate in candidates:
        close = difflib.get_close_matches(candidate, list(FIELDS), n=1, cutoff=0.75)
        if close:
            return (
                f"reading .{attr} is not allowed: there is no field called {said}; "
                f"did you mean {{{{ {close[0]} }}}}?"
            )
    return (
        f"reading .{attr} is not allowed: there is no field called {said}; "
        f"use a field's name alone, like {ALONE}"
    )


def _tested(test: nodes.Node) -> frozenset[str]:
    """The fields an {% if %} test proves non-empty in its body: `a`, or every name in `a and b`."""
    if isinstance(test, nodes.Name):
        return frozenset({test.name})
    if isinstance(test, nodes.And):
        return _tested(test.left) | _tested(test.right)
    return frozenset()


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    return environment().from_string(source)


def render(subject_source: str, body_source: str, fields: Mapping[str, str]) -> Rendered:
    """The message a template makes from `fields`.

    Raises TemplateProblems for a template check_template() refuses, and MissingFields when a
    required field the template uses is missing or blank. An optional field left empty is false in
    {% if %} and, used outside one, comes out as [[make it personal: …]] for the user to write.
    """
    problems = check_template(subject_source, body_source)
    if problems:
        raise TemplateProblems(problems)
    used = fields_used(subject_source) | fields_used(body_source)
    missing = [
        name
        for name, field in FIELDS.items()
        if name in used and not field.optional and not str(fields.get(name) or "").strip()
    ]
    if missing:
        raise MissingFields(missing)
    values: dict[str, str] = {}
    for name in used:
        value = str(fields.get(name) or "")
        values[name] = value if value.strip() else _Unfilled(FIELDS[name].label)
    subject = _compiled(subject_source).render(values)
    body = _compiled(body_source).render(values)
    return Rendered(subject=_one_line(subject), body=_tidy(body))


class _Unfilled(str):
    """An optional field with no value: false in {% if %}, and written as a part for the user to make
    personal ([[make it personal: what you did together]]) where a template uses it outside one, so the
    draft is still made, and is not sent until the user has written that part (messaging's gate)."""

    def __new__(cls, label: str) -> _Unfilled:
        return super().__new__(cls, f"[[make it personal: {label}]]")

    def __bool__(self) -> bool:
        return False


def _one_line(text: str) -> str:
    """A subject is a header: a newline in a field value must not start another one."""
    return " ".join(text.split())


def _tidy(text: str) -> str:
    # An {% if %} that came out empty may leave two blank lines where one was meant.
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text.replace("\r\n", "\n"))
    return text.strip("\n").rstrip()
