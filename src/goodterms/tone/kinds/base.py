"""What every rule kind shares: the rule, the matching fields, and how a kind turns hits into findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.report import Finding, Severity
from goodterms.tone.text import Document


class Hit(NamedTuple):
    """A phrase or pattern of a rule found in the text the rules read (not yet mapped to the original)."""

    start: int
    end: int
    entry: int  # which phrase, pattern or swap of the rule


@dataclass(frozen=True, eq=False)
class Rule:
    id: str  # "<category>.<name>"
    category: str
    severity: Severity
    message: str
    check: RuleKind
    source: str
    suggestion: str | None = None
    kinds: tuple[str, ...] | None = None  # None: every kind of message (and a message of no stated kind)
    flag: tuple[str, ...] = ()  # examples that must be flagged
    passes: tuple[str, ...] = ()  # examples that must not be
    path: str = ""
    line: int = 0

    @property
    def kind(self) -> str:
        return self.check.name

    def applies_to(self, kind: str | None) -> bool:
        return self.kinds is None or (kind is not None and kind in self.kinds)

    @property
    def example_kind(self) -> str | None:
        """The kind of message the examples are read as: the first the rule lists."""
        return None if self.kinds is None else self.kinds[0]

    def finding(
        self, doc: Document, start: int, end: int, *, suggestion: str | None = None, **values: object
    ) -> Finding:
        """A finding at text[start:end] (offsets of the text the rules read) with the message filled in."""
        o_start, o_end = doc.to_original(start, end)
        return self.finding_at(o_start, o_end, doc, suggestion=suggestion, **values)

    def finding_at(
        self, start: int, end: int, doc: Document, *, suggestion: str | None = None, **values: object
    ) -> Finding:
        """A finding at original[start:end]."""
        fill = {"match": " ".join(doc.original[start:end].split()), **values}
        message = self.message.format_map(fill)
        if suggestion is None and self.suggestion is not None:
            suggestion = self.suggestion.format_map(fill)
        return Finding(
            rule=self.id,
            category=self.category,
            severity=self.severity,
            start=start,
            end=end,
            message=message,
            suggestion=suggestion,
        )


class RuleKind:
    """One of the closed set of rule kinds. A subclass reads its own keys and judges its own hits."""

    name: ClassVar[str]
    summary: ClassVar[str]  # one line for docs/tone-rules.md
    keys: ClassVar[tuple[str, ...]]  # the keys this kind adds to a rule
    placeholders: ClassVar[tuple[str, ...]] = ("match",)  # what its message may say in {braces}
    counting: ClassVar[bool] = False  # its phrases are matched in the counting pass (overlaps allowed)
    needs_kinds: ClassVar[bool] = False  # a rule of this kind must list the kinds of message it is for
    takes_suggestion: ClassVar[bool] = True

    def __init__(
        self,
        phrases: Sequence[str] = (),
        patterns: Sequence[str] = (),
        case_sensitive: bool = False,
    ) -> None:
        self.phrases = tuple(phrases)
        self.patterns = tuple(patterns)
        self.case_sensitive = case_sensitive

    @classmethod
    def parse(cls, fields: dict[str, Node], node: Node, problems: schema.Problems) -> RuleKind | None:
        raise NotImplementedError

    def matchers(self) -> list[tuple[str, str, int]]:
        """("phrase" | "pattern", text, entry) for everything the matcher looks for on this rule's behalf."""
        found = [("phrase", p, i) for i, p in enumerate(self.phrases)]
        found += [("pattern", p, len(self.phrases) + i) for i, p in enumerate(self.patterns)]
        return found

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        raise NotImplementedError


@dataclass
class MatchFields:
    phrases: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    case_sensitive: bool = False


MATCH_KEYS = ("phrases", "patterns", "case")


def parse_match_fields(
    fields: dict[str, Node], node: Node, problems: schema.Problems, kind: str
) -> MatchFields | None:
    """`phrases:` (plain words, any case, whole words) and/or `patterns:` (regular expressions); `case:`."""
    before = len(problems.found)
    result = MatchFields()
    if "phrases" in fields:
        result.phrases = schema.text_list(fields["phrases"], "phrases", problems) or []
        for phrase, item in zip(result.phrases, getattr(fields["phrases"], "value", []), strict=False):
            if not any(ch.isalnum() for ch in phrase) and len(phrase.strip()) < 2:
                problems.add(item, f"phrase {phrase!r} is too short to look for")
    if "patterns" in fields:
        items = fields["patterns"].value if hasattr(fields["patterns"], "value") else []
        if schema.text_list(fields["patterns"], "patterns", problems) is not None:
            for item in items:
                value = schema.pattern(item, "patterns", problems)
                if value is not None:
                    result.patterns.append(value)
    if "case" in fields:
        case = schema.choice(fields["case"], "case", ("insensitive", "sensitive"), problems)
        result.case_sensitive = case == "sensitive"
    if "phrases" not in fields and "patterns" not in fields:
        problems.add(node, f"a {kind} rule needs phrases: or patterns: (or both)")
    return result if len(problems.found) == before else None


def body_hits(hits: list[Hit], doc: Document) -> list[Hit]:
    """The hits in the body (before the signature)."""
    return [hit for hit in hits if hit.start < doc.body_end]
