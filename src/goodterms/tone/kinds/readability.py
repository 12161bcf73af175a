"""readability: flag a message or sentence whose length or reading grade is out of bounds."""

from __future__ import annotations

from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.kinds.base import Hit, Rule, RuleKind
from goodterms.tone.report import Finding
from goodterms.tone.text import Document

METRICS = ("words", "sentence-words", "grade")
GRADE_MIN_WORDS = 40  # a reading grade over fewer words says more about the formula than the text


class Readability(RuleKind):
    name = "readability"
    summary = (
        "Measures `metric:` (words in the body, words in each sentence, or the Flesch-Kincaid grade) against "
        "`max:` and/or `min:`; flags the body, or each sentence for sentence-words."
    )
    keys = ("metric", "max", "min")
    placeholders = ("value", "max", "min")

    def __init__(self, metric: str, maximum: float | None, minimum: float | None) -> None:
        super().__init__()
        self.metric = metric
        self.maximum = maximum
        self.minimum = minimum

    @classmethod
    def parse(cls, fields: dict[str, Node], node: Node, problems: schema.Problems) -> Readability | None:
        before = len(problems.found)
        if "metric" not in fields:
            problems.add(node, f"a readability rule needs metric:; allowed: {schema.allowed(METRICS)}")
            return None
        metric = schema.choice(fields["metric"], "metric", METRICS, problems)
        maximum = schema.number(fields["max"], "max", problems) if "max" in fields else None
        minimum = schema.number(fields["min"], "min", problems) if "min" in fields else None
        if "max" not in fields and "min" not in fields:
            problems.add(node, "a readability rule needs max: or min: (or both)")
        if len(problems.found) != before or metric is None:
            return None
        return cls(metric, maximum, minimum)

    def _out_of_bounds(self, value: float) -> bool:
        return (self.maximum is not None and value > self.maximum) or (
            self.minimum is not None and value < self.minimum
        )

    def _values(self) -> dict[str, str]:
        def show(x: float | None) -> str:
            return "" if x is None else f"{x:g}"

        return {"max": show(self.maximum), "min": show(self.minimum)}

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        if self.metric == "sentence-words":
            return [
                rule.finding(doc, s.start, s.end, value=s.words, **self._values())
                for s in doc.sentences
                if self._out_of_bounds(s.words)
            ]
        if not doc.words:
            return []
        if self.metric == "words":
            value: float = len(doc.words)
        else:
            if len(doc.words) < GRADE_MIN_WORDS:
                return []
            value = doc.reading_grade
        if not self._out_of_bounds(value):
            return []
        start, end = doc.body_span()
        return [rule.finding(doc, start, end, value=f"{value:g}", **self._values())]
