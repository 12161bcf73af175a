"""Compile a rule set once per kind of message, then read each message in a few passes of one regex each.

All phrases of the rules that apply to a kind go into one character trie, written out as a single regex
(`you (?:never|failed to)…`), so the cost of a pass grows with the length of the message, not with the
number of rules. The rules' own patterns join the same regex as further alternatives, filed in the flag pass
under the plain text they must start with ("you (?:should…" under "you "), so that at each word the engine
enters only the patterns that can match there. Each phrase or pattern ends in an empty named group, its
marker; `match.lastindex` says which one matched.

There are up to three passes, each one combined regex:

- the flag pass (existence and substitution rules) over the lower-cased text, with overlaps;
- the counting pass (occurrence and required_when rules) over the lower-cased text, kept apart so that a
  counted word ("sorry") is still counted inside a flagged phrase ("sorry to bother you");
- the cased pass over the text as written, for the few rules with `case: sensitive` (shouting).

In the flag and cased passes, matches of different rules may overlap ("I can't believe you never…" is both
venting and blame); a rule's own matches never nest. At one starting place the longest phrase wins, and a
phrase wins over a pattern. The counting pass takes each match's text, so nothing is counted twice; a
required_when rule that it did not see is asked once more on its own before it reports.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Sequence
from functools import cache
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from typing import Any, NamedTuple

from goodterms.tone.kinds.base import Hit, Rule, RuleKind
from goodterms.tone.report import SEVERITIES, Finding
from goodterms.tone.text import Document

_WORD_CHAR = re.compile(r"\w")
_SPACE = re.compile(r"(\s+)")


def _tokens(phrase: str, lower: bool) -> list[str]:
    tokens: list[str] = []
    for part in _SPACE.split(phrase.strip()):
        if not part:
            continue
        if part.isspace():
            tokens.append(r"\s+")
            continue
        for ch in part.lower() if lower else part:
            tokens.append("['\u2019]" if ch in "'\u2019" else re.escape(ch))
    return tokens


class _Node:
    __slots__ = ("children", "ends")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.ends: list[tuple[int, int]] = []  # (rule position, entry)


class _PassBuilder:
    def __init__(self, lower: bool) -> None:
        self.lower = lower
        self.root = _Node()
        self.tail_boundary: dict[int, bool] = {}
        self.patterns: list[tuple[str, tuple[int, int], bool]] = []
        self.markers: list[list[tuple[int, int]]] = []

    @property
    def empty(self) -> bool:
        return not self.root.children and not self.patterns

    def add_phrase(self, phrase: str, owner: tuple[int, int]) -> None:
        node = self.root
        for token in _tokens(phrase, self.lower):
            node = node.children.setdefault(token, _Node())
        node.ends.append(owner)
        self.tail_boundary[id(node)] = bool(_WORD_CHAR.match(phrase.strip()[-1:]))

    def add_pattern(self, pattern: str, owner: tuple[int, int], case_sensitive: bool) -> None:
        self.patterns.append((pattern, owner, case_sensitive))

    def _marker(self, owners: list[tuple[int, int]]) -> str:
        self.markers.append(owners)
        return f"(?P<g{len(self.markers) - 1}>)"

    def _emit(self, node: _Node) -> str:
        alternatives = [token + self._emit(child) for token, child in node.children.items()]
        if node.ends:
            boundary = r"(?!\w)" if self.tail_boundary[id(node)] else ""
            alternatives.append(boundary + self._marker(node.ends))  # last: a longer phrase wins
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    def _wrap(self, pattern: str, case_sensitive: bool) -> str:
        # On lower-cased text a pattern with no capital letters matches the same without (?i:…), and faster.
        if case_sensitive or (self.lower and not _CAPITALS.search(_ESCAPES.sub("", pattern))):
            return f"(?:{pattern})"
        return f"(?i:{pattern})"

    def build(self, overlapping: bool = False) -> tuple[re.Pattern[str], list[tuple[tuple[int, int], ...]]]:
        # Alternatives that start with the same look-behind (most often "(?<!\w)": only where a word starts)
        # share it, so that at every other position that whole group costs one failed check.
        guarded: dict[str, list[str]] = {_WORD_START: []}
        anywhere: list[str] = []
        phrases: dict[str, str] = {}  # at a word start: a first character -> the rest of the trie
        patterns: list[tuple[str, tuple[int, int]]] = []  # at a word start: patterns and their owners
        for token, child in self.root.children.items():
            if _WORD_CHAR.fullmatch(token):
                phrases[token] = self._emit(child)
            else:
                anywhere.append(token + self._emit(child))
        for pattern, owner, case_sensitive in self.patterns:
            guard = _LEADING_GUARD.match(pattern)
            rest = pattern[guard.end() :] if guard else ""
            if guard and rest and not _has_top_level_bar(rest):
                if guard.group() == _WORD_START:
                    patterns.append((self._wrap(rest, case_sensitive), owner))
                else:
                    guarded.setdefault(guard.group(), []).append(
                        self._wrap(rest, case_sensitive) + self._marker([owner])
                    )
            else:
                # Tried at every place: an alternation is split into alternatives of the pass, each with a
                # marker, so that the engine passes over each one that starts with another character in one
                # check instead of entering the group (`\?…|!+…` cost the pass a tenth of its time).
                anywhere.extend(
                    self._wrap(part, case_sensitive) + self._marker([owner])
                    for part in _top_level_parts(pattern)
                )
        by_first = self._by_first_character(phrases, patterns) if overlapping else None
        if by_first is not None:
            guarded[_WORD_START] = by_first
        else:
            guarded[_WORD_START] = [token + rest for token, rest in phrases.items()]
            guarded[_WORD_START] += [pattern + self._marker([owner]) for pattern, owner in patterns]
        if len(guarded) == 1:  # behind another guard, a word-start alternative would come before those
            at_line_start, anywhere = _line_starts_apart(anywhere)
            guarded[_WORD_START] += at_line_start
        parts = [guard + "(?:" + "|".join(group) + ")" for guard, group in guarded.items() if group]
        parts.extend(anywhere)
        combined = "|".join(parts)
        # Overlapping: the whole pass is a look-ahead, so a match takes no text and the next one may start
        # inside it ("I can't believe you never…" is venting and blame). The marker's position is the end.
        regex = re.compile(f"(?={combined})" if overlapping else combined)
        table: list[tuple[tuple[int, int], ...]] = [()] * (regex.groups + 1)
        for name, number in regex.groupindex.items():
            table[number] = tuple(self.markers[int(name[1:])])
        return regex, table

    def _by_first_character(
        self, phrases: dict[str, str], patterns: list[tuple[str, tuple[int, int]]]
    ) -> list[str] | None:
        """The word-start alternatives of an overlapping pass, one per first character: None if not possible.

        At each word start the engine tries the alternatives of the group one after the other. Phrases cost
        little there, as the engine passes over an alternative whose first character differs in one check, but
        a pattern such as `(?:idiot|moron…)s?` has to be entered to find out. So each pattern is filed under
        the characters it can start with (`_first_characters`), after the phrases that start with the same
        character, and is tried only at a word that starts with one of them. As the character has been read
        by then, the patterns look back at it and match from there: `y(?:ou…|(?<=(?=pattern)y))`. At any
        place the alternatives that can match come in the same order as before, so the same one wins.

        A pattern filed under several characters is written once under each, with a marker of its own (rule
        patterns have no named groups or back-references), and only with those of its leading alternatives
        that can start with that character (`_leading_alternatives`): written whole under each, the passes
        were four times as long as the patterns, and compiling them was most of the first analyze(). The
        patterns must be matched from where they start, which only a look-ahead pass allows (the others take
        `match.end()`).
        """
        cuts = [_leading_alternatives(pattern) for pattern, _owner in patterns]
        firsts = [
            cut.first_characters() if cut is not None else _first_characters(pattern)
            for (pattern, _owner), cut in zip(patterns, cuts, strict=True)
        ]
        if not patterns or any(chars is None for chars in firsts):
            return None
        # Under each first character: the patterns, in the order of the rules, each with the plain text its
        # match must start with (its place in the trie below that character).
        filed: dict[str, list[tuple[str, str]]] = {}
        for (pattern, owner), chars, cut in zip(patterns, firsts, cuts, strict=True):
            for char in sorted(chars or ()):
                cut_by_start = [(char, pattern)] if cut is None else cut.by_plain_start(char)
                for start, written in cut_by_start:
                    filed.setdefault(char, []).append((start, written + self._marker([owner])))
        alternatives = []
        for char in [*phrases, *(char for char in filed if char not in phrases)]:
            here = [phrases[char]] if char in phrases else []
            if char in filed:
                here.extend(_filed_under(char, filed[char]))
            alternatives.append(re.escape(char) + _one_of(here))
        return alternatives


class _Leading(NamedTuple):
    """A pattern as look-arounds, a leading group of alternatives with their first characters, the rest."""

    head: str
    alternatives: list[tuple[str, frozenset[str]]]
    tail: str

    def first_characters(self) -> frozenset[str] | None:
        """What a match can start with, as `_first_characters()` says of the whole pattern."""
        chars = frozenset().union(*(chars for _alternative, chars in self.alternatives))
        return chars if len(chars) <= _MAX_FIRST_CHARACTERS else None

    def for_first_character(self, char: str) -> str:
        """The pattern with only the leading alternatives that can start with `char`. At a place that starts
        with `char` the others fail at once, so the match is the same."""
        return self._with([alternative for alternative, chars in self.alternatives if char in chars])

    def by_plain_start(self, char: str) -> list[tuple[str, str]]:
        """The pattern for a place that starts with `char`, cut by the plain text each alternative must start
        with ("you ", "stop lying"), as (that text, the pattern with those alternatives only).

        A pattern with long look-arounds or rest (`_MAX_COPIED`) is cut by `char` only. When one such text
        starts another of the same pattern ("you", "you are"), both could match at one place and the
        pattern's own order says which: then there is one cut, at the start they share.
        """
        if len(self.head) + len(self.tail) > _MAX_COPIED:
            return [(char, self.for_first_character(char))]
        kept = [alternative for alternative, chars in self.alternatives if char in chars]
        starts = [_plain_start(alternative, char) for alternative in kept]
        distinct = sorted(set(starts))
        if any(b.startswith(a) for a, b in itertools.pairwise(distinct)):
            return [(os.path.commonprefix(distinct), self._with(kept))]  # noqa: RUF071 - characters are meant
        cuts = []
        for start in distinct:
            alternatives = [a for a, s in zip(kept, starts, strict=True) if s == start]
            cuts.extend(self._one_further(start, alternatives))
        return cuts

    def _one_further(self, start: str, alternatives: list[str]) -> list[tuple[str, str]]:
        """The cut for `start`, filed one character further where every alternative tells what comes next
        ("you (?:should|always)…" under "you s" and "you a"): such cuts cannot match at the same place."""
        nexts = [_first_characters(a[len(start) :] + self.tail) for a in alternatives]
        if len(start) >= _MAX_PLAIN_START or any(chars is None for chars in nexts):
            return [(start, self._with(alternatives))]
        following = sorted(set().union(*(chars for chars in nexts if chars is not None)))
        if len(following) > _MAX_FOLLOWING:
            return [(start, self._with(alternatives))]
        return [
            (
                start + char,
                self._with(
                    [a for a, chars in zip(alternatives, nexts, strict=True) if chars and char in chars]
                ),
            )
            for char in following
        ]

    def _with(self, alternatives: list[str]) -> str:
        return "(?:" + self.head + "(?:" + "|".join(alternatives) + ")" + self.tail + ")"


def _leading_alternatives(pattern: str) -> _Leading | None:
    """`pattern` (wrapped as `(?:…)`) cut at its leading group of alternatives, or None when it has none.

    Only the simple shapes are cut: look-arounds, then a group `(?:a|b…)` that is not repeated, then the rest;
    or look-arounds, then plain text ("you should…", "stop lying"), one alternative with no rest. Anything
    else, or an alternative whose first characters are not known, is None (filed whole).
    """
    if not pattern.startswith("(?:") or _group_end(pattern, 0) != len(pattern):
        return None
    inner = pattern[3:-1]
    at = 0
    while inner.startswith(("(?<!", "(?<=", "(?!", "(?="), at):
        at = _group_end(inner, at)
        if at < 0:
            return None
    if not inner.startswith("(?:", at):
        rest = inner[at:]
        if _PLAIN_START.match(rest) is None or _has_top_level_bar(rest):
            return None
        return _Leading(inner[:at], [(rest, frozenset(rest[0]))], "")
    end = _group_end(inner, at)
    if end < 0 or inner[end : end + 1] in ("?", "*", "+", "{"):
        return None
    alternatives = []
    for alternative in _top_level_parts(inner[at + 3 : end - 1]):
        # Most alternatives start with a plain letter ("idiot", "you"): that letter, told without parsing.
        plain = _PLAIN_START.match(alternative)
        chars = frozenset(plain.group()) if plain else _first_characters(alternative)
        if chars is None:
            return None
        alternatives.append((alternative, chars))
    return _Leading(inner[:at], alternatives, inner[end:])


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """The characters of `pattern` from `start` that give it structure ("(", ")", "|"), outside classes and
    escapes, each with its place and the depth of parentheses around it (a ")" at its group's depth)."""
    depth = 0
    in_class = False
    i = start
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch in "()|":
            depth += ch == "("
            yield i, ch, depth
            depth -= ch == ")"
        i += 1


def _group_end(pattern: str, start: int) -> int:
    """Where the group opened at pattern[start] ("(") ends (just past its ")"), or -1 if it does not."""
    for i, ch, depth in _structure(pattern, start):
        if ch == ")" and depth == 1:
            return i + 1
    return -1


def _top_level_parts(pattern: str) -> list[str]:
    """`pattern` split at the "|" of its top level: a|b(c|d) gives a and b(c|d)."""
    bars = [i for i, ch, depth in _structure(pattern) if ch == "|" and depth == 0]
    return [pattern[start + 1 : end] for start, end in zip([-1, *bars], [*bars, len(pattern)], strict=True)]


_LINE_START = "(?m:^)"  # at the start of the text or of a line: where \A and ^ can match (one check, inline)
_AT_LINE_START = ("(?:\\A", "(?:^", "(?:(?m:^")  # how such an alternative starts, once wrapped


def _line_starts_apart(alternatives: list[str]) -> tuple[list[str], list[str]]:
    """The alternatives that can match only where a line starts, as a group for the word starts; the rest.

    A line start is never inside a word, so the group can join the word-start alternatives, at their end,
    tried only where no word character comes before: elsewhere it costs nothing, where each of these
    alternatives was entered at every place of the text to fail at its anchor. The ones it moves ahead of
    others must not be able to start with the same character as those (the stacked marks start with "?" or
    "!", a greeting with a letter): then at any place the same alternative wins. If that is not known, or
    there is no such alternative, the group is empty and nothing moves.
    """
    at_line_start = [alternative.startswith(_AT_LINE_START) for alternative in alternatives]
    for index, anchored in enumerate(at_line_start):
        passed = [alternatives[i] for i in range(index) if not at_line_start[i]]
        if anchored and passed and not _start_apart(alternatives[index], passed):
            return [], alternatives
    grouped = [
        alternative for alternative, anchored in zip(alternatives, at_line_start, strict=True) if anchored
    ]
    rest = [
        alternative for alternative, anchored in zip(alternatives, at_line_start, strict=True) if not anchored
    ]
    return ([_LINE_START + _one_of(grouped)] if grouped else []), rest


def _start_apart(alternative: str, others: list[str]) -> bool:
    """Whether no match of `alternative` can start with a character that a match of one of `others` can."""
    mine = _first_characters(alternative)
    if mine is None:
        return False
    for other in others:
        theirs = _first_characters(other)
        if theirs is None or mine & theirs:
            return False
    return True


def _one_of(alternatives: list[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


_MAX_FIRST_CHARACTERS = 26  # a pattern that can start with more is not worth filing under each


_PLAIN_START = re.compile(r"[a-z0-9](?![?*+{])")  # a letter that a match must start with
_PLAIN_TEXT = re.compile(r"[a-z0-9 ]*[a-z0-9 ](?![?*+{])")  # letters, digits and spaces, none repeated
_MAX_PLAIN_START = 8  # how far a pattern is filed down the trie: further, the places are few anyway
# A pattern is filed one character further only under this many characters at most: each is another copy of
# it, and compiling the pass is most of the first analyze() (2: 2.2% fewer instructions a message, compiling
# 3% more than with none; 6: 2.8% and 10%).
_MAX_FOLLOWING = 2
# A pattern whose look-arounds and rest are longer than this is cut by its first character only: each cut by
# the text it starts with is another copy of them ("a bunch of ... fools|jerks|…" eleven times over), and the
# first analyze() compiled 6% more for 1.7% fewer instructions a message.
_MAX_COPIED = 200


def _plain_start(alternative: str, char: str) -> str:
    """The plain text a match of `alternative` (which starts with `char`) must start with: `char` at least."""
    plain = _PLAIN_TEXT.match(alternative)
    text = plain.group()[:_MAX_PLAIN_START] if plain else ""
    return text if text.startswith(char) else char


def _filed_under(path: str, filed: list[tuple[str, str]]) -> list[str]:
    """The patterns filed where a word starts with `path`, read there as `(?<=(?=pattern)path)`.

    At a word the engine entered every pattern filed under its first character, one after the other, to fail
    most often at the second or third. So each pattern is filed down a trie of the plain text it must start
    with (`you (?:should…` under "you ", `stop lying` under "stop lyi"), and entered only where the word goes
    on with that: `(?:h(?:e(?<=(?=…)the)|…)|o…)`. Those that must start with `path` and no more sit in the
    order of the rules between the branches, each branch holding the patterns of its run only, so at any place
    the patterns that can match come in the rules' order and the same one wins. `filed` holds (the plain
    start, the pattern) of each, in the rules' order.
    """
    groups: list[str] = []
    for ends_here, grouped in itertools.groupby(filed, key=lambda entry: entry[0] == path):
        run = list(grouped)
        if ends_here:
            groups.append(f"(?<=(?={_one_of([written for _start, written in run])}){re.escape(path)})")
            continue
        by_next: dict[str, list[tuple[str, str]]] = {}
        for start, written in run:
            by_next.setdefault(start[len(path)], []).append((start, written))
        groups.append(
            _one_of(
                [
                    re.escape(char) + _one_of(_filed_under(path + char, items))
                    for char, items in by_next.items()
                ]
            )
        )
    return groups


@cache
def _first_characters(pattern: str) -> frozenset[str] | None:
    r"""The characters that a match of `pattern` can start with, or None when that is not simply told.

    Read from the parse tree of Python's own regex parser (`re._parser`, private, but the same since 3.11).
    Anything it does not know (a character class such as \w, a case-insensitive group, a pattern that can
    match empty text) gives None; one such pattern and the whole pass tries every pattern at every word start,
    as before the filing (tests/tone/test_matcher.py names any shipped pattern that would).
    """
    try:
        found = _starts(_sre_parser.parse(pattern).data)
    except Exception:  # a parser that changed its shape means "not known", never a wrong answer
        return None
    if found is None or found[1] or len(found[0]) > _MAX_FIRST_CHARACTERS:
        return None
    return frozenset(found[0])


def _starts(items: list[tuple[Any, Any]]) -> tuple[set[str], bool] | None:
    """For parsed regex items in a row: the characters a match can start with, and whether it can be empty."""
    chars: set[str] = set()
    for op, value in items:
        first: tuple[set[str], bool] | None
        if op in (_sre.ASSERT, _sre.ASSERT_NOT, _sre.AT):
            continue  # look-arounds and anchors take no text: the next item starts the match
        if op is _sre.LITERAL:
            first = ({chr(value)}, False)
        elif op is _sre.IN:
            first = _class_characters(value)
        elif op is _sre.BRANCH:
            first = (set(), False)
            for branch in value[1]:
                inner = _starts(branch.data)
                if inner is None:
                    return None
                first = (first[0] | inner[0], first[1] or inner[1])
        elif op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, inner_pattern = value
            if add_flags & re.IGNORECASE:
                return None
            first = _starts(inner_pattern.data)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            low, _high, inner_pattern = value
            inner = _starts(inner_pattern.data)
            first = None if inner is None else (inner[0], inner[1] or low == 0)
        elif op is _sre.ATOMIC_GROUP:
            first = _starts(value.data)
        else:
            return None
        if first is None:
            return None
        chars |= first[0]
        if not first[1]:
            return chars, False
    return chars, True


def _class_characters(items: list[tuple[Any, Any]]) -> tuple[set[str], bool] | None:
    """The characters of a parsed [class] of single characters and short ranges; None for anything else."""
    chars: set[str] = set()
    for op, value in items:
        if op is _sre.LITERAL:
            chars.add(chr(value))
        elif op is _sre.RANGE and value[1] - value[0] < _MAX_FIRST_CHARACTERS:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:
            return None  # a negated class, a category such as \w, a long range
    return chars, False


_WORD_START = r"(?<!\w)"
_LEADING_GUARD = re.compile(r"\(\?<!(?:[^()\[\]\\]|\\.|\[(?:[^\]\\]|\\.)*\])+\)")
_ESCAPES = re.compile(r"\\.")
_CAPITALS = re.compile(r"[A-Z]")


def _has_top_level_bar(pattern: str) -> bool:
    """Whether `pattern` is an alternation at its top level (a|b), where a shared prefix would change it."""
    return len(_top_level_parts(pattern)) > 1


class _Pass:
    __slots__ = ("lowered", "overlapping", "regex", "table")

    def __init__(self, builder: _PassBuilder, overlapping: bool) -> None:
        self.lowered = builder.lower
        self.overlapping = overlapping
        self.regex, self.table = builder.build(overlapping)


def single_rule_regex(check: RuleKind) -> tuple[re.Pattern[str], bool]:
    """One rule's phrases and patterns as a regex of their own, and whether it reads the lower-cased text."""
    builder = _PassBuilder(lower=not check.case_sensitive)
    for what, value, entry in check.matchers():
        if what == "phrase":
            builder.add_phrase(value, (0, entry))
        else:
            builder.add_pattern(value, (0, entry), check.case_sensitive)
    return builder.build()[0], builder.lower


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def _order(finding: Finding) -> tuple[int, int, int, str]:
    return (finding.start, finding.end, _SEVERITY_RANK[finding.severity], finding.rule)


class CompiledRules:
    """The rules that apply to one kind of message, compiled into at most three passes."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        flag, count, cased = _PassBuilder(lower=True), _PassBuilder(lower=True), _PassBuilder(lower=False)
        self.always: list[int] = []  # rules that speak even when nothing matched
        for position, rule in enumerate(self.rules):
            check = rule.check
            if (not check.phrases and not check.patterns) or check.name == "required_when":
                self.always.append(position)
            builder = cased if check.case_sensitive else count if check.counting else flag
            for what, value, entry in check.matchers():
                if what == "phrase":
                    builder.add_phrase(value, (position, entry))
                else:
                    builder.add_pattern(value, (position, entry), check.case_sensitive)
        self.passes = tuple(
            _Pass(builder, overlapping)
            for builder, overlapping in ((flag, True), (count, False), (cased, True))
            if not builder.empty
        )

    def run(self, doc: Document) -> list[Finding]:
        hits: dict[int, list[Hit]] = {}
        for one_pass in self.passes:
            table = one_pass.table
            text = doc.lowered if one_pass.lowered else doc.text
            overlapping = one_pass.overlapping
            for match in one_pass.regex.finditer(text):
                marker = match.lastindex or 0
                start = match.start()
                end = match.start(marker) if overlapping else match.end()
                for position, entry in table[marker]:
                    found = hits.setdefault(position, [])
                    if found and start < found[-1].end:
                        continue  # inside this rule's previous match ("per my last email" in "as per my…")
                    found.append(Hit(start, end, entry))
        findings: list[Finding] = []
        for position in sorted({*hits, *self.always}):
            rule = self.rules[position]
            findings.extend(rule.check.evaluate(rule, hits.get(position, []), doc))
        findings.sort(key=_order)
        return findings
