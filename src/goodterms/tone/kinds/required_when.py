"""required_when: for the kinds of message a rule lists, flag a message that never says one of its phrases.

The finding is the client's open question. It has an empty span at the very end of the text
(start == end == len(text)), where the missing sentence would go; a rule with `at: start` puts it at 0
instead (for what belongs at the top, such as a greeting with a name). Unlike the other kinds, a
required_when rule also reads the signature: a phone number there answers "how do I reach you?".
"""

from __future__ import annotations

import re
from functools import cached_property

from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.kinds.base import MATCH_KEYS, Hit, Rule, RuleKind, parse_match_fields
from goodterms.tone.report import Finding
from goodterms.tone.text import Document

PLACES = ("end", "start")


class RequiredWhen(RuleKind):
    name = "required_when"
    summary = (
        "For the kinds of message listed in `kinds:`, flags a message that contains none of its phrases or "
        "patterns, with an empty span at the end of the text (or the start, with `at: start`)."
    )
    keys = (*MATCH_KEYS, "at")
    placeholders = ()
    counting = True
    needs_kinds = True

    def __init__(self, phrases: list[str], patterns: list[str], case_sensitive: bool, at: str) -> None:
        super().__init__(phrases, patterns, case_sensitive)
        self.at = at

    @classmethod
    def parse(cls, fields: dict[str, Node], node: Node, problems: schema.Problems) -> RequiredWhen | None:
        found = parse_match_fields(fields, node, problems, cls.name)
        at = "end"
        if "at" in fields:
            at = schema.choice(fields["at"], "at", PLACES, problems) or "end"
        if found is None:
            return None
        return cls(found.phrases, found.patterns, found.case_sensitive, at)

    @cached_property
    def _own(self) -> tuple[re.Pattern[str], bool]:
        from goodterms.tone.matcher import single_rule_regex

        return single_rule_regex(self)

    def present(self, doc: Document) -> bool:
        """Whether the rule's words are there, asked of this rule alone (when a combined pass saw nothing)."""
        regex, lowered = self._own
        return regex.search(doc.lowered if lowered else doc.text) is not None

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        # A combined pass finds one match per place; when another rule's words won that place, ask again.
        if hits or self.present(doc):
            return []
        where = 0 if self.at == "start" else len(doc.original)
        return [rule.finding_at(where, where, doc)]
