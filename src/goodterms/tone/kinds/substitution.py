"""substitution: flag a phrase and suggest the better one that replaces it."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node

from goodterms.tone import schema
from goodterms.tone.kinds.base import Hit, Rule, RuleKind, body_hits
from goodterms.tone.report import Finding
from goodterms.tone.text import Document


class Substitution(RuleKind):
    name = "substitution"
    summary = "Flags each phrase of its `swap:` table and suggests the replacement written beside it."
    keys = ("swap",)
    placeholders = ("match", "replacement")
    takes_suggestion = False  # the suggestion is the replacement

    def __init__(self, swap: dict[str, str]) -> None:
        super().__init__(phrases=tuple(swap))
        self.replacements = tuple(swap.values())

    @classmethod
    def parse(cls, fields: dict[str, Node], node: Node, problems: schema.Problems) -> Substitution | None:
        if "swap" not in fields:
            problems.add(node, "a substitution rule needs swap: (a mapping of phrase: replacement)")
            return None
        swap_node = fields["swap"]
        if not isinstance(swap_node, MappingNode) or not swap_node.value:
            problems.add(swap_node, "swap: must be a mapping of phrase: replacement")
            return None
        before = len(problems.found)
        swap: dict[str, str] = {}
        for key, value in swap_node.value:
            phrase = schema.text(key, "a phrase in swap:", problems)
            replacement = schema.text(value, "a replacement in swap:", problems)
            if phrase is None or replacement is None:
                continue
            if phrase.lower() in (p.lower() for p in swap):
                problems.add(key, f"{phrase!r} is in swap: twice")
                continue
            swap[phrase] = replacement
        return cls(swap) if len(problems.found) == before else None

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        found = []
        for hit in body_hits(hits, doc):
            replacement = self.replacements[hit.entry]
            if doc.text[hit.start : hit.start + 1].isupper() and replacement[:1].islower():
                replacement = replacement[0].upper() + replacement[1:]  # "Due to the fact that" -> "Because"
            found.append(
                rule.finding(doc, hit.start, hit.end, suggestion=replacement, replacement=replacement)
            )
        return found
