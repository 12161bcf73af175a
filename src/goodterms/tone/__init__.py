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

from goodterms.tone.report import CATEGORIES, KINDS, SEVERITIES, Finding, Reason, Report, Stats, Strategy

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from goodterms.tone.rules import RuleSet

__all__ = [
    "CATEGORIES",
    "KINDS",
    "SEVERITIES",
    "Finding",
    "Reason",
    "Report",
    "Stats",
    "Strategy",
    "analyze",
    "default_rules",
    "load_rules",
]

NOT_SCORED = None  # the politeness given when there is nothing to score (empty, too short, not English)
# Below this politeness a message reads clearly impolite and gets a finding of its own. The score's 0.5 is the
# line between impolite-or-tough and the rest; 0.05 is "the model is 95% sure": curt orders ("Wrong. Fix it.
# Now.") fall below it, and 2 of the 2,851 Enron development mails.
IMPOLITE = 0.05
IMPOLITE_RULE = "cold.reads-impolite"


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

    politeness: float | None = NOT_SCORED
    strategies: tuple[Strategy, ...] = ()
    reasons: tuple[Reason, ...] = ()
    body = doc.body
    if body.strip():
        from goodterms.tone.politeness.model import explain

        scored = explain(body)
        politeness = scored.probability
        if doc.offsets_unchanged:
            strategies = scored.strategies
            reasons = scored.reasons
        else:
            strategies = tuple(
                Strategy(name=s.name, start=start, end=end, polite=s.polite)
                for s in scored.strategies
                for start, end in (doc.to_original(s.start, s.end),)
            )
            reasons = tuple(
                Reason(words=r.words, start=start, end=end, weight=r.weight, says=r.says)
                for r in scored.reasons
                for start, end in (doc.to_original(r.start, r.end),)
            )
        if politeness is None:
            notes.append("The message is too short to score its politeness.")
        elif politeness < IMPOLITE:
            findings.extend(_impolite(politeness, reasons, text))
            findings.sort(key=lambda f: (f.start, f.end, f.rule))
    else:
        notes.append("There are no words of your own to score, only a quote or a signature.")
    return Report(
        politeness=politeness,
        findings=tuple(findings),
        stats=stats,
        kind=kind,
        strategies=strategies,
        reasons=reasons,
        notes=tuple(notes),
    )


def _impolite(politeness: float, reasons: tuple[Reason, ...], text: str) -> list[Finding]:
    """One warning for a message that reads clearly impolite, at the words that pulled it down most."""
    down = [reason for reason in reasons if reason.weight < 0]
    if not down:
        return []
    worst = down[0]
    words = ", ".join(f"“{text[reason.start : reason.end]}”" for reason in down[:3])  # as written
    return [
        Finding(
            rule=IMPOLITE_RULE,
            category="cold",
            severity="warning",
            start=worst.start,
            end=worst.end,
            message=(
                f"The message reads as impolite (politeness {politeness:.2f} of 1). What pulled it down "
                f"most: {words}."
            ),
            suggestion="Thank them, ask rather than tell (“Could you…?”), and soften the words named here.",
        )
    ]
