"""The tone coach: reads a draft the way the client will, points at the words, says why, suggests better ones.

    >>> from goodterms.tone import analyze
    >>> report = analyze("Hi all, as per my last email, you never sent the logo.", kind="goodbye")
    >>> [(f.rule, f.start, f.end) for f in report.findings][1:3]
    [('mass-greeting.hi-all', 0, 6), ('passive-aggressive.as-per-my-last-email', 8, 28)]

Plain Python: no Django here. The rules are YAML files in `rules/`; `load_rules()` adds an organization's own
files and switches rules off. The rule files, the YAML parser and the politeness model load on first use,
so importing this package stays cheap.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from goodterms.tone.report import CATEGORIES, KINDS, SEVERITIES, Finding, Report, Stats, Strategy

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from goodterms.tone.rules import RuleSet

__all__ = [
    "CATEGORIES",
    "KINDS",
    "SEVERITIES",
    "Finding",
    "Report",
    "Stats",
    "Strategy",
    "analyze",
    "default_rules",
    "load_rules",
]

NOT_SCORED = 0.5  # the politeness given when there is nothing to score: neither polite nor impolite


def load_rules(paths: Iterable[str | Path] = (), disabled: Iterable[str] = ()) -> RuleSet:
    """The shipped rules plus the files in `paths`, less the rule ids or category ids in `disabled`.

    Raises goodterms.tone.rules.RuleError (a ValueError) listing every problem as `file:line: problem`.
    """
    from goodterms.tone.rules import load_rules as load

    return load(paths, disabled)


@cache
def default_rules() -> RuleSet:
    """The shipped rules, loaded once per process."""
    return load_rules()


def analyze(text: str, kind: str | None = None, *, rules: RuleSet | None = None) -> Report:
    """What the client may take badly in `text`, a message of the given kind (one of KINDS, or None)."""
    if not isinstance(text, str):
        raise TypeError(f"analyze() needs a str, not {type(text).__name__}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind of message {kind!r}; allowed: {', '.join(KINDS)}")
    from goodterms.tone.text import read

    if not text.strip():
        return Report(
            politeness=NOT_SCORED,
            findings=(),
            stats=Stats(words=0, sentences=0, reading_grade=0.0, questions=0),
            kind=kind,
            notes=("The text is empty: there is nothing to read yet.",),
        )
    doc = read(text)
    stats = Stats(
        words=len(doc.words),
        sentences=len(doc.sentences),
        reading_grade=doc.reading_grade,
        questions=doc.questions,
    )
    notes = list(doc.notes)
    if doc.language != "en":
        notes.append(
            "This does not look like English. The coach reads English only, so it checked nothing "
            "and did not score politeness."
        )
        return Report(
            politeness=NOT_SCORED,
            findings=(),
            stats=stats,
            kind=kind,
            language="unsupported",
            notes=tuple(notes),
        )
    ruleset = rules if rules is not None else default_rules()
    findings = ruleset.for_kind(kind).run(doc)
    if kind is None:
        notes.append("No kind of message was given, so the checks for particular kinds were skipped.")

    politeness = NOT_SCORED
    strategies: tuple[Strategy, ...] = ()
    body = doc.body
    if body.strip():
        from goodterms.tone.politeness import score

        scored = score(body)
        politeness = scored.probability
        if doc.offsets_unchanged:
            strategies = scored.strategies
        else:
            strategies = tuple(
                Strategy(name=s.name, start=start, end=end, polite=s.polite)
                for s in scored.strategies
                for start, end in (doc.to_original(s.start, s.end),)
            )
    else:
        notes.append("There are no words of your own to score, only a quote or a signature.")
    return Report(
        politeness=politeness,
        findings=tuple(findings),
        stats=stats,
        kind=kind,
        strategies=strategies,
        notes=tuple(notes),
    )
