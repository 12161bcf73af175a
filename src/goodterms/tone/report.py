"""What the tone coach says about a text: frozen values that the web app, the CLI and JSON all share."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from goodterms.lib.vocabulary import MessageKind

Severity = Literal["error", "warning", "suggestion"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "suggestion")

KINDS = MessageKind.values()  # the kinds of message a check can be limited to

CATEGORIES = (
    "mass-greeting",
    "passive-aggressive",
    "blame",
    "emotional",
    "defensive",
    "cold",
    "vague",
    "wordy",
    "over-apologetic",
    "hedging",
    "unanswered-question",
)


@dataclass(frozen=True)
class Finding:
    """One thing the reader may take badly, at text[start:end], with why and what to write instead."""

    rule: str  # "<category>.<name>", e.g. "blame.you-never"
    category: str  # one of CATEGORIES
    severity: Severity
    start: int  # character offsets into the text given to analyze(); start <= end <= len(text)
    end: int
    message: str
    suggestion: str | None = None


@dataclass(frozen=True)
class Stats:
    words: int
    sentences: int
    reading_grade: float  # Flesch-Kincaid grade level
    questions: int


@dataclass(frozen=True)
class Strategy:
    """A politeness strategy found in the text (gratitude, hedge, direct question…) and where."""

    name: str
    start: int
    end: int
    polite: bool  # True when the strategy makes a request read as more polite


@dataclass(frozen=True)
class Reason:
    """Words that moved the politeness score, at text[start:end]: weight < 0 pulled it down, > 0 up."""

    words: str  # the feature as the model saw it: a strategy's name or a word
    start: int
    end: int
    weight: float
    says: str = ""  # for a strategy, what it does in plain words ("Thanks the reader"); "" for a word


@dataclass(frozen=True)
class Report:
    politeness: float | None  # 0 to 1: how likely a reader finds the text polite; None when not scored
    findings: tuple[Finding, ...]
    stats: Stats
    kind: str | None = None
    strategies: tuple[Strategy, ...] = ()
    reasons: tuple[Reason, ...] = ()  # what pulled the politeness score down or up most, strongest first
    language: str = "en"  # "unsupported" when the text is not English: then nothing is scored
    notes: tuple[str, ...] = field(default=())  # e.g. "The text is empty."

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == "error" for finding in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
