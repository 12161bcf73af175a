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

from yaml.nodes import Node

from goodterms.tone import schema
from goodterms.tone.kinds.base import Hit, Rule, RuleKind
from goodterms.tone.report import Finding
from goodterms.tone.text import Document

_RUN = re.compile(
    r"(?<![\w&/.@-])[A-Z][A-Z'\u2019]*+(?:[ \t]+[A-Z][A-Z'\u2019]*)*+"  # possessive: no shorter run
    r"(?![\w&/@-]|\.\w|\.[ \t]*\d)"  # not "NO. 0100067175" nor "U.S."
)
_ASCII_CAPITAL = re.compile(r"[A-Z]")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
_LETTER = re.compile(r"[^\W\d_]")
_TABLE = re.compile(r"\t|\S {3,}\S.*\S {3,}\S|\d{5,}|^[ \t]*[A-Z][A-Z .]{0,30}:|[$#@]")
_END_MARK = frozenset(".!?")
MOSTLY_CAPITALS = 0.6  # above this share of capital letters, the whole message is in capitals


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

    def _runs(self, doc: Document) -> list[tuple[int, int]]:
        body = doc.text[: doc.body_end]
        if body.lower() == body:  # no capital at all: the common case, found in C
            return []
        # Counted by the regex engine: ASCII capitals, then the few other characters one by one.
        capitals = len(_ASCII_CAPITAL.findall(body)) + sum(ch.isupper() for ch in _NOT_ASCII.findall(body))
        letters = len(_LETTER.findall(body))
        if not capitals or capitals > letters * MOSTLY_CAPITALS:
            return []
        lines = body.split("\n")
        found: list[tuple[int, int]] = []
        offset = 0
        for index, line in enumerate(lines):
            start = offset
            offset += len(line) + 1
            if line.lower() == line or _TABLE.search(line):
                continue
            stripped = line.strip()
            following = next((rest.strip() for rest in lines[index + 1 :] if rest.strip()), "")
            if (
                stripped
                and stripped.upper() == stripped
                and stripped[-1] not in _END_MARK
                and following
                and len(stripped.split()) <= 8
            ):
                continue  # a heading
            for match in _RUN.finditer(line):
                words = [word.strip("'\u2019") for word in match.group().split()]
                if not self.words[0] <= len(words) <= self.words[1]:
                    continue
                if sum(len(word) for word in words) < self.min_letters:
                    continue
                if any(word in self.skip for word in words) or not any(word in self.voice for word in words):
                    continue
                found.append((start + match.start(), start + match.end()))
        return found

    def evaluate(self, rule: Rule, hits: list[Hit], doc: Document) -> list[Finding]:
        runs = self._runs(doc)
        if not runs:
            return []
        start, end = runs[0]
        return [rule.finding(doc, start, end, count=len(runs))]
