"""occurrence: flag a word or mark used more often than `max` times in one message."""

from __future__ import annotations

from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.kinds.base import MATCH_KEYS, Hit, Rule, RuleKind, body_hits, parse_match_fields
from goodterms.tone.report import Finding
from goodterms.tone.text import Document


class Occurrence(RuleKind):
    name = "occurrence"
    summary = (
        "Counts its phrases and patterns in the body; past `max:` it flags the first one over the limit."
    )
    keys = (*MATCH_KEYS, "max")
    placeholders = ("match", "count", "max")
    counting = True

    def __init__(self, phrases: list[str], patterns: list[str], case_sensitive: bool, limit: int) -> None:
        super().__init__(phrases, patterns, case_sensitive)
        self.limit = limit

    @classmethod
    def parse(cls, fields: dict[str, Node], node: Node, problems: schema.Problems) -> Occurrence | None:
        found = parse_match_fields(fields, node, problems, cls.name)
        if "max" not in fields:
            problems.add(node, "an occurrence rule needs max: (how many are fine in one message)")
            return None
        limit = schema.number(fields["max"], "max", problems, integer=True)
        if found is None or limit is None:
            return None
        return cls(found.phrases, found.patterns, found.case_sensitive, int(limit))

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        inside = body_hits(hits, doc)
        if len(inside) <= self.limit:
            return []
        over = inside[self.limit]
        return [rule.finding(doc, over.start, over.end, count=len(inside), max=self.limit)]
