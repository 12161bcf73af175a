"""Rule files: load, validate and switch off.

A rule file is YAML:

    category: blame                # one of goodterms.tone.CATEGORIES; every rule in the file belongs to it
    rules:
      - id: you-never              # the rule's id is "<category>.<id>"
        kind: existence            # one of the kinds in goodterms.tone.kinds.REGISTRY
        severity: error            # error | warning | suggestion
        message: "…"               # why, from the client's side; may use {match} and the kind's placeholders
        suggestion: "…"            # optional: what to write instead
        kinds: [goodbye, notice]   # optional: only for these kinds of message
        source: "…"                # where the advice comes from, or why it holds
        phrases: […]               # plus the keys of the rule's kind
        examples:
          flag: […]                # texts the rule must flag
          pass: […]                # texts it must leave alone

Loading is all or nothing: a RuleError lists every problem found as `file:line: problem`, and no RuleSet is
returned. Rules in user files have their examples checked at load, against the whole rule set.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import cast

import yaml
from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.kinds import REGISTRY, Rule
from goodterms.tone.matcher import CompiledRules
from goodterms.tone.report import CATEGORIES, KINDS, SEVERITIES, Finding, Severity
from goodterms.tone.schema import RuleError
from goodterms.tone.text import read

RULES_DIR = Path(__file__).parent / "rules"
FILE_KEYS = ("category", "description", "rules")
COMMON_KEYS = ("id", "kind", "severity", "message", "suggestion", "kinds", "source", "examples")
REQUIRED_KEYS = ("id", "kind", "severity", "message", "source", "examples")
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")

try:  # libyaml's composer is several times faster, and gives the same marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["RULES_DIR", "RuleError", "RuleSet", "load_rules", "shipped_rule_files"]


class RuleSet:
    """Rules ready to use. Compiled per kind of message on first use, then cached."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._by_id = {rule.id: rule for rule in self.rules}
        self._compiled: dict[str | None, CompiledRules] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def for_kind(self, kind: str | None) -> CompiledRules:
        compiled = self._compiled.get(kind)
        if compiled is None:
            compiled = CompiledRules([rule for rule in self.rules if rule.applies_to(kind)])
            self._compiled[kind] = compiled
        return compiled

    def findings(self, text: str, kind: str | None = None) -> list[Finding]:
        """The rules' findings alone (no language check, no politeness): what rule examples are run on."""
        return self.for_kind(kind).run(read(text))


def shipped_rule_files() -> list[Path]:
    return sorted(RULES_DIR.glob("*.yaml"))


def load_rules(paths: Iterable[str | Path] = (), disabled: Iterable[str] = ()) -> RuleSet:
    """The shipped rules plus the rules in `paths`, less the rule or category ids in `disabled`."""
    rules: list[Rule] = []
    problems: list[tuple[str, int | None, str]] = []
    seen: dict[str, Rule] = {}
    user_rules: list[Rule] = []
    for path, is_user in [*((p, False) for p in shipped_rule_files()), *((Path(p), True) for p in paths)]:
        file_rules, file_problems = _load_file(path)
        problems.extend(file_problems)
        for rule in file_rules:
            if rule.id in seen:
                first = seen[rule.id]
                problems.append(
                    (
                        str(path),
                        rule.line,
                        f"duplicate rule id {rule.id!r} (already in {first.path}:{first.line})",
                    )
                )
                continue
            seen[rule.id] = rule
            rules.append(rule)
            if is_user:
                user_rules.append(rule)
    if problems:
        raise RuleError(problems)
    everything = RuleSet(rules)
    problems.extend(check_examples(everything, user_rules))
    off = set(disabled)
    unknown = sorted(off - set(seen) - set(CATEGORIES))
    if unknown:
        problems.append(
            (
                "disabled",
                None,
                f"unknown rule or category {', '.join(unknown)}; categories: {schema.allowed(CATEGORIES)}",
            )
        )
    if problems:
        raise RuleError(problems)
    if not off:
        return everything
    return RuleSet([rule for rule in rules if rule.id not in off and rule.category not in off])


def example_problems(ruleset: RuleSet, rule: Rule) -> list[str]:
    """What is wrong with one rule's examples, in the words the test suite uses."""
    found = []
    for text in rule.flag:
        if not any(f.rule == rule.id for f in ruleset.findings(text, rule.example_kind)):
            found.append(f"false negative in {rule.id}: {text!r}")
    for text in rule.passes:
        if any(f.rule == rule.id for f in ruleset.findings(text, rule.example_kind)):
            found.append(f"false positive in {rule.id}: {text!r}")
    return found


def check_examples(ruleset: RuleSet, rules: Iterable[Rule]) -> list[tuple[str, int | None, str]]:
    return [(rule.path, rule.line, problem) for rule in rules for problem in example_problems(ruleset, rule)]


def _load_file(path: Path) -> tuple[list[Rule], list[tuple[str, int | None, str]]]:
    problems = schema.Problems(str(path))
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.add(None, f"cannot read the file: {error}")
        return [], problems.found
    try:
        root = yaml.compose(source, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return [], [(str(path), line, f"not valid YAML: {getattr(error, 'problem', error)}")]
    if root is None:
        problems.add(None, "the file is empty; it needs category: and rules:")
        return [], problems.found
    top = schema.mapping(root, "a rule file", problems)
    if top is None:
        return [], problems.found
    for key, node in top.items():
        if key not in FILE_KEYS:
            problems.add(node, f"unknown key {key!r} in a rule file; allowed: {schema.allowed(FILE_KEYS)}")
    category = None
    if "category" not in top:
        problems.add(root, f"the file needs category:; allowed: {schema.allowed(CATEGORIES)}")
    else:
        category = schema.choice(top["category"], "category", CATEGORIES, problems)
    if "rules" not in top:
        problems.add(root, "the file needs rules: (a list of rules)")
        return [], problems.found
    rules_node = top["rules"]
    if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
        problems.add(rules_node, "rules: must be a list of rules")
        return [], problems.found
    rules: list[Rule] = []
    names: dict[str, int] = {}
    for node in rules_node.value:
        rule = _parse_rule(node, category, path, problems)
        if rule is None:
            continue
        if rule.id in names:
            problems.add(node, f"duplicate rule id {rule.id!r} (already at line {names[rule.id]})")
            continue
        names[rule.id] = rule.line
        rules.append(rule)
    return (rules if not problems.found else []), problems.found


def _parse_rule(node: Node, category: str | None, path: Path, problems: schema.Problems) -> Rule | None:
    before = len(problems.found)
    fields = schema.mapping(node, "a rule", problems)
    if fields is None:
        return None
    kind_cls = None
    if "kind" not in fields:
        problems.add(node, f"a rule needs kind:; allowed: {schema.allowed(REGISTRY)}")
    else:
        kind_name = schema.choice(fields["kind"], "kind", REGISTRY, problems)
        kind_cls = REGISTRY.get(kind_name or "")
    for key in REQUIRED_KEYS:
        if key not in fields and key != "kind":
            problems.add(node, f"a rule needs {key}:")
    rule_id = None
    if "id" in fields:
        rule_id = schema.text(fields["id"], "id", problems)
        if rule_id is not None and (not set(rule_id) <= _ID_CHARS or not rule_id[0].isalpha()):
            problems.add(fields["id"], f"id {rule_id!r} must be lower-case letters, digits and hyphens")
            rule_id = None
    if kind_cls is None:
        return None
    allowed_keys = (*COMMON_KEYS, *kind_cls.keys)
    for key, value in fields.items():
        if key not in allowed_keys:
            problems.add(
                value,
                f"unknown key {key!r} for a {kind_cls.name} rule; allowed: {schema.allowed(allowed_keys)}",
            )
    severity = (
        schema.choice(fields["severity"], "severity", SEVERITIES, problems) if "severity" in fields else None
    )
    message = (
        schema.template(fields["message"], "message", kind_cls.placeholders, problems)
        if "message" in fields
        else None
    )
    suggestion = None
    if "suggestion" in fields:
        if not kind_cls.takes_suggestion:
            problems.add(
                fields["suggestion"], f"a {kind_cls.name} rule takes its suggestion from its swap: table"
            )
        else:
            suggestion = schema.template(fields["suggestion"], "suggestion", kind_cls.placeholders, problems)
    source = schema.text(fields["source"], "source", problems) if "source" in fields else None
    kinds: tuple[str, ...] | None = None
    if "kinds" in fields:
        listed = schema.text_list(fields["kinds"], "kinds", problems)
        if listed is not None:
            bad = [k for k in listed if k not in KINDS]
            if bad:
                problems.add(
                    fields["kinds"], f"unknown kind of message {bad[0]!r}; allowed: {schema.allowed(KINDS)}"
                )
            else:
                kinds = tuple(dict.fromkeys(listed))
    elif kind_cls.needs_kinds:
        problems.add(node, f"a {kind_cls.name} rule needs kinds: (the kinds of message it is for)")
    flag: list[str] = []
    passes: list[str] = []
    if "examples" in fields:
        examples = schema.mapping(fields["examples"], "examples", problems)
        if examples is not None:
            for key, value in examples.items():
                if key not in ("flag", "pass"):
                    problems.add(value, f"unknown key {key!r} in examples; allowed: flag, pass")
            for key, target in (("flag", flag), ("pass", passes)):
                if key not in examples:
                    problems.add(fields["examples"], f"examples need {key}: (a list of texts)")
                    continue
                target.extend(schema.text_list(examples[key], f"examples {key}", problems) or [])
    check = kind_cls.parse(fields, node, problems)
    if check is None or len(problems.found) != before:
        return None
    if not (rule_id and category and severity and message and source):
        return None  # the file's category is wrong: reported once, for the file
    return Rule(
        id=f"{category}.{rule_id}",
        category=category,
        severity=cast(Severity, severity),
        message=message,
        check=check,
        source=source,
        suggestion=suggestion,
        kinds=kinds,
        flag=tuple(flag),
        passes=tuple(passes),
        path=str(path),
        line=schema.line_of(node) or 0,
    )
