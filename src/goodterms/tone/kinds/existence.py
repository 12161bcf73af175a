"""existence: flag each place where one of the rule's phrases or patterns occurs."""

from __future__ import annotations

from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.kinds.base import MATCH_KEYS, Hit, Rule, RuleKind, body_hits, parse_match_fields
from goodterms.tone.report import Finding
from goodterms.tone.text import Document


class Existence(RuleKind):
    name = "existence"
    summary = "Flags every place where one of its phrases or patterns occurs."
    keys = MATCH_KEYS

    @classmethod
    def parse(cls, fields: dict[str, Node], node: Node, problems: schema.Problems) -> Existence | None:
        found = parse_match_fields(fields, node, problems, cls.name)
        if found is None:
            return None
        return cls(found.phrases, found.patterns, found.case_sensitive)

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        return [rule.finding(doc, hit.start, hit.end) for hit in body_hits(hits, doc)]
