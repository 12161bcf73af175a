"""The matcher's compiled passes: patterns filed under their first characters match as the plain list does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodterms.tone import default_rules, matcher
from goodterms.tone.matcher import (
    _LEADING_GUARD,
    _WORD_START,
    _first_characters,
    _has_top_level_bar,
    _leading_alternatives,
    _PassBuilder,
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(?:idiot|moron)(?:s|es)?(?!\\w)", {"i", "m"}),
        ("(?:and )?this is what i get", {"a", "t"}),
        ("(?<!if )(?<!as )you(?:['\u2019]ve| have)? never", {"y"}),
        ("[ab]c|d+", {"a", "b", "d"}),
        ("(?m:^[ \\t]*dear)", {" ", "\t", "d"}),
        ("\\w+", None),  # a category
        ("[^a]b", None),  # a negated class
        ("(?i:abc)", None),  # either case
        ("a?", None),  # can match empty text
        ("(?=a)", None),
    ],
)
def test_first_characters(pattern, expected):
    found = _first_characters(pattern)
    assert found == (None if expected is None else frozenset(expected))


PHRASES = ["you never", "you always", "idiot", "i think", "thanks", "as per my last email"]
PATTERNS = [
    "(?<!\\w)(?:you|u|ya) (?:idiot|moron)s?(?!\\w)",
    "(?<!\\w)(?:and )?this is what i get",
    "(?<!\\w)i (?:think|guess)(?:[ \\t,]+\\w+){0,2}? maybe",
    "(?<!\\w)(?:idiot|imbecile)",
    "(?<!\\w)(?<!not )(?:you|i think|idiot)(?: (?:never|moron))?(?!\\w)",  # filed cut to each first character
    "(?<!\\w)(?:we are|we)(?: late)?(?!\\w)",  # "we" starts "we are": filed once, where both start
    "(?<!\\w)they (?:should|always) (?:have|know)",  # filed one character further: "they s", "they a"
    "(?<!\\w)\\w+ever(?!\\w)",  # not filed: every pattern stays in one list, as before
]
WORDS = [
    *" ".join(
        [*PHRASES, "and this is what i get", "u moron", "ya idiots", "maybe", "are late should know"]
    ).split(),
    "never",
    "we are",
    "they",
]


Match = tuple[int, int, tuple[tuple[int, int], ...]]  # start, end, the owners of the marker


def matches(patterns: list[str], text: str, filed: bool) -> list[Match]:
    builder = _PassBuilder(lower=True)
    for position, phrase in enumerate(PHRASES):
        builder.add_phrase(phrase, (position, 0))
    for position, pattern in enumerate(patterns, start=len(PHRASES)):
        builder.add_pattern(pattern, (position, 0), case_sensitive=False)
    if not filed:
        builder._by_first_character = lambda phrases, patterns: None  # type: ignore[method-assign]
    regex, table = builder.build(overlapping=True)
    return [(m.start(), m.start(m.lastindex or 0), table[m.lastindex or 0]) for m in regex.finditer(text)]


texts = st.lists(st.sampled_from([*WORDS, " ", ", ", ".", "\n", "s"]), max_size=30).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans())
def test_filed_patterns_match_as_the_plain_list(text, all_filed):
    patterns = PATTERNS[:-1] if all_filed else PATTERNS
    assert matches(patterns, text, filed=True) == matches(patterns, text, filed=False)


@pytest.mark.parametrize(
    "text",
    [
        "they should have known",
        "They always know.",
        "we are late",
        "so we are, we late",
        "you never, they always",
    ],
)
def test_patterns_filed_down_the_trie_match_as_the_plain_list(text):
    assert matches(PATTERNS[:-1], text.lower(), filed=True) == matches(
        PATTERNS[:-1], text.lower(), filed=False
    )
    assert matches(PATTERNS[:-1], text.lower(), filed=True)  # each text has a match to compare


def test_a_pattern_with_a_long_rest_is_cut_by_its_first_character_only():
    rest = "|".join(f"word{i}" for i in range(60))  # longer than matcher._MAX_COPIED
    patterns = [*PATTERNS[:-1], f"(?<!\\w)(?:they|then|we) (?:are|were) (?:{rest})(?!\\w)"]
    for text in ["they are word7", "then were word59 and we are word0", "they were word60"]:
        assert matches(patterns, text, filed=True) == matches(patterns, text, filed=False)
    assert matches(patterns, "they are word7", filed=True)
    builder = _PassBuilder(lower=True)
    builder.add_pattern(patterns[-1], (0, 0), case_sensitive=False)
    # one copy under "t" ("they", "then") and one under "w", not one for each text they start with
    assert builder.build(overlapping=True)[0].pattern.count("word59") == 2


def test_a_pattern_is_cut_to_the_alternatives_of_each_first_character():
    cut = _leading_alternatives("(?:(?<!not )(?:you|i think|idiot)s?)")
    assert cut is not None
    assert cut.for_first_character("i") == "(?:(?<!not )(?:i think|idiot)s?)"
    assert cut.for_first_character("y") == "(?:(?<!not )(?:you)s?)"
    assert _leading_alternatives("(?:(?:you|idiot)?s)") is None  # a repeated group is kept whole
    assert _leading_alternatives("(?:(?:you|\\w+)s)") is None  # an alternative of unknown start


def test_the_shipped_rules_are_filed():
    """Every word-start pattern of the shipped rules has known first characters: one that has not makes the
    whole flag pass fall back to trying every pattern at every word start, about a fifth slower."""
    unfiled = []
    for rule in default_rules():
        check = rule.check
        if check.case_sensitive or check.counting:
            continue
        for what, value, _entry in check.matchers():
            guard = _LEADING_GUARD.match(value)
            rest = value[guard.end() :] if guard else ""
            if what != "pattern" or not guard or guard.group() != _WORD_START or _has_top_level_bar(rest):
                continue
            if _first_characters(_PassBuilder(lower=True)._wrap(rest, False)) is None:
                unfiled.append((rule.id, value[:60]))
    assert unfiled == []
    compiled = default_rules().for_kind("goodbye")
    assert "(?<=(?=" in compiled.passes[0].regex.pattern


def test_the_shipped_patterns_that_can_start_anywhere_start_with_known_characters():
    """A pattern without a word-start guard is tried at every character of every message: one that starts
    with a known character fails there in one check, one that starts with a look-behind or a class costs
    several (a sentence start is written as a word start with look-behinds after it: see emotional.yaml)."""
    slow = []
    for rule in default_rules():
        check = rule.check
        for what, value, _entry in check.matchers():
            guard = _LEADING_GUARD.match(value)
            if what != "pattern" or (guard and guard.group() == _WORD_START) or value.startswith("\\A"):
                continue  # tried at word starts only, or at the start of the text only
            if _first_characters(_PassBuilder(lower=True)._wrap(value, check.case_sensitive)) is None:
                slow.append((rule.id, value[:60]))
    assert slow == []


def test_a_cut_pattern_starts_with_what_the_whole_pattern_starts_with():
    """The cut's first characters (its alternatives', read without parsing where plain) are the pattern's."""
    builder = _PassBuilder(lower=True)
    cut_patterns = 0
    for rule in default_rules():
        for what, value, _entry in rule.check.matchers():
            guard = _LEADING_GUARD.match(value)
            if what != "pattern" or not guard or guard.group() != _WORD_START:
                continue
            wrapped = builder._wrap(value[guard.end() :], rule.check.case_sensitive)
            cut = _leading_alternatives(wrapped)
            if cut is not None:
                cut_patterns += 1
                assert cut.first_characters() == _first_characters(wrapped), rule.id
    assert cut_patterns > 20  # most shipped patterns lead with a group of alternatives


ANYWHERE = [
    "\\A[ \\t\\n]*(?:noted|fine)[ \\t]*[.!]*(?:\\n|\\Z)",
    "\\?(?<![?!]\\?)\\?*+!++[!?]*+|!++\\?++[!?]*+",  # an alternation: split into alternatives of the pass
    "(?m:^[ \\t]*(?:hi|hello)[ \\t,]+(?:all|team)(?!\\w))",
    "(?m:^[ \\t]*dear[ \\t]+(?:all|team)(?!\\w))",
]
LINE_WORDS = [
    "noted",
    "fine",
    "hi",
    "hello",
    "dear",
    "all",
    "team",
    "?",
    "!",
    "?!",
    "!?",
    "\n",
    " ",
    "\t",
    ".",
]


def line_matches(patterns: list[str], text: str, together: bool) -> list[Match]:
    with pytest.MonkeyPatch.context() as patched:
        if not together:
            patched.setattr(matcher, "_line_starts_apart", lambda alternatives: ([], alternatives))
        builder = _PassBuilder(lower=True)
        for position, pattern in enumerate(patterns):
            builder.add_pattern(pattern, (position, 0), case_sensitive=False)
        regex, table = builder.build(overlapping=True)
    return [(m.start(), m.start(m.lastindex or 0), table[m.lastindex or 0]) for m in regex.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINE_WORDS), max_size=20).map("".join))
def test_patterns_at_line_starts_tried_at_word_starts_match_as_before(text):
    assert line_matches(ANYWHERE, text, together=True) == line_matches(ANYWHERE, text, together=False)


def test_patterns_at_line_starts_move_only_past_patterns_that_start_apart():
    builder = _PassBuilder(lower=True)
    for position, pattern in enumerate(ANYWHERE):
        builder.add_pattern(pattern, (position, 0), case_sensitive=False)
    assert matcher._LINE_START in builder.build(overlapping=True)[0].pattern
    # "(?m:^[ \t]*dear…)" may start with a space, as "[ \t]+x" may: it stays behind that one, unmoved
    clash = [ANYWHERE[0], "[ \\t]+x", ANYWHERE[3]]
    builder = _PassBuilder(lower=True)
    for position, pattern in enumerate(clash):
        builder.add_pattern(pattern, (position, 0), case_sensitive=False)
    assert matcher._LINE_START not in builder.build(overlapping=True)[0].pattern
