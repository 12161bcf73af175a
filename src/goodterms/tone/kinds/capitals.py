"""capitals: flag writing in capitals that reads as a raised voice, once per message at most.

Capitals are shouting only by contrast: a run of capitalised words inside ordinary mixed-case writing, that
speaks to someone (it has one of the rule's `voice:` words: "YOU", "NOT", "I", "STOP"…). Left alone:

- a message written wholly in capitals (a habit or a caps-lock key, not a change of tone);
- acronyms and names ("the NDA", "NORTHERN NATURAL GAS COMPANY": no voice word, or one of `skip:`);
- headings (a line in capitals with no end mark, above more text), tables and codes (lines with tabs,
  columns of spaces, long numbers or a "LABEL:" start);
- enthusiasm: a run with one of `skip:` ("THANK YOU", "CONGRATULATIONS").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.kinds.base import Hit, Rule, RuleKind
from goodterms.tone.report import Finding
from goodterms.tone.text import Document

# A run starts with a capital and looks back past it (nothing like "&", "." or a letter before it), so that
# the engine can skip to the next capital instead of trying the look-behind at each position.
_RUN = re.compile(
    r"[A-Z](?<![\w&/.@-][A-Z])[A-Z'\u2019]*+(?:[ \t]+[A-Z][A-Z'\u2019]*)*+"  # possessive: no shorter run
    r"(?![\w&/@-]|\.\w|\.[ \t]*\d)"  # not "NO. 0100067175" nor "U.S."
)
_ASCII_CAPITAL = re.compile(r"[A-Z]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTER = re.compile(r"[^\W\d_]")
_TABLE = re.compile(r"\t|\S {3,}\S.*\S {3,}\S|\d{5,}|^[ \t]*[A-Z][A-Z .]{0,30}:|[$#@]")
_END_MARK = frozenset(".!?")
_QUOTES = "'\u2019"
MOSTLY_CAPITALS = 0.6  # above this share of capital letters, the whole message is in capitals


class _Run(NamedTuple):
    start: int  # offsets in the body
    end: int
    words: tuple[str, ...]  # the words of the run, without the apostrophes around them


def _runs_of_capitals(doc: Document) -> list[_Run]:
    """Every run of capitalised words in the body, in order: found once per document, for every capitals rule.

    One scan of the whole body finds the same runs as a scan of each line: a run never crosses a line end, and
    a newline satisfies the look-behind and look-ahead of `_RUN` exactly as the start or end of a line does.
    """
    runs: list[_Run] | None = doc.shared.get("capitals")
    if runs is None:
        body = doc.text[: doc.body_end]
        if body.lower() == body:  # no capital at all: the common case, found in C
            runs = []
        else:
            runs = [
                _Run(match.start(), match.end(), tuple(word.strip(_QUOTES) for word in match.group().split()))
                for match in _RUN.finditer(body)
            ]
        doc.shared["capitals"] = runs
    return runs


def _mostly_capitals(body: str) -> bool:
    """Whether the body is written in capitals throughout (or has none): no capitals stand out in it."""
    # Counted by the regex engine: ASCII capitals, then the few other characters one by one.
    capitals = len(_ASCII_CAPITAL.findall(body)) + sum(ch.isupper() for ch in _NOT_ASCII.findall(body))
    letters = len(_LETTER.findall(body))
    return not capitals or capitals > letters * MOSTLY_CAPITALS


def _is_prose(body: str, line_start: int) -> bool:
    """Whether the line of `body` starting there is prose: neither a table or code line nor a heading."""
    line_end = body.find("\n", line_start)
    if line_end < 0:
        line_end = len(body)
    line = body[line_start:line_end]
    if _TABLE.search(line):
        return False
    stripped = line.strip()
    is_heading = (
        stripped
        and stripped.upper() == stripped
        and stripped[-1] not in _END_MARK
        and body[line_end:].strip()  # more text follows
        and len(stripped.split()) <= 8
    )
    return not is_heading


class Capitals(RuleKind):
    name = "capitals"
    summary = (
        "Flags the first run of capitalised words that has one of its `voice:` words and none of its `skip:` "
        "words, in a message that is otherwise in normal case; headings, tables and codes are left alone."
    )
    keys = ("voice", "skip", "min-letters", "words")
    placeholders = ("match", "count")

    def __init__(self, voice: list[str], skip: list[str], min_letters: int, words: tuple[int, int]) -> None:
        super().__init__()
        self.words = words
        self.voice = frozenset(word.upper() for word in voice)
        self.skip = frozenset(word.upper() for word in skip)
        self.min_letters = min_letters

    @classmethod
    def parse(cls, fields: dict[str, Node], node: Node, problems: schema.Problems) -> Capitals | None:
        before = len(problems.found)
        if "voice" not in fields:
            problems.add(node, "a capitals rule needs voice: (the words that make capitals speak to someone)")
            return None
        voice = schema.text_list(fields["voice"], "voice", problems) or []
        skip = schema.text_list(fields["skip"], "skip", problems) or [] if "skip" in fields else []
        min_letters = 6
        if "min-letters" in fields:
            value = schema.number(fields["min-letters"], "min-letters", problems, integer=True)
            min_letters = int(value) if value is not None else min_letters
        words = (2, 1000)
        if "words" in fields:
            counts = str(getattr(fields["words"], "value", ""))  # 2, or a range such as "1-1"
            low, _, high = counts.partition("-")
            if not low.strip().isdigit() or (high and not high.strip().isdigit()):
                problems.add(fields["words"], f"words: {counts!r} must be a number or a range such as 2-40")
            else:
                words = (int(low), int(high) if high else 1000)
        for word in [*voice, *skip]:
            if not word.strip() or any(ch.isspace() for ch in word.strip()):
                problems.add(node, f"{word!r} in voice: or skip: must be one word")
        if len(problems.found) != before:
            return None
        return cls(voice, skip, min_letters, words)

    def _speaks(self, words: tuple[str, ...]) -> bool:
        """Whether a run of these words is this rule's raised voice (before looking at its line)."""
        if not self.words[0] <= len(words) <= self.words[1]:
            return False
        if sum(map(len, words)) < self.min_letters:
            return False
        return not any(word in self.skip for word in words) and any(word in self.voice for word in words)

    def _runs(self, doc: Document) -> list[tuple[int, int]]:
        # The cheap test first: in most messages no run speaks, and then nothing else needs reading.
        speaking = [run for run in _runs_of_capitals(doc) if self._speaks(run.words)]
        if not speaking:
            return []
        body = doc.text[: doc.body_end]
        if _mostly_capitals(body):
            return []
        found: list[tuple[int, int]] = []
        prose: dict[int, bool] = {}  # by where the line starts: whether it is prose rather than a heading…
        for run in speaking:
            line_start = body.rfind("\n", 0, run.start) + 1
            if line_start not in prose:
                prose[line_start] = _is_prose(body, line_start)
            if prose[line_start]:
                found.append((run.start, run.end))
        return found

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        runs = self._runs(doc)
        if not runs:
            return []
        start, end = runs[0]
        return [rule.finding(doc, start, end, count=len(runs))]
