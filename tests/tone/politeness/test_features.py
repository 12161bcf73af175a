"""Strategies, tokens and features: the closed, documented set of strategy names and what each one finds."""

from __future__ import annotations

import pytest

from goodterms.tone.politeness import STRATEGY_DESCRIPTIONS, STRATEGY_NAMES, STRATEGY_POLITE, find_strategies
from goodterms.tone.politeness.features import (
    BLOCKS,
    LINE_BREAK,
    TEXT_START,
    extract,
    tokenize,
    words_with_spans,
)

# One example per strategy: (text, strategy, the words it should point at).
EXAMPLES = [
    ("Thank you for the files.", "gratitude", "Thank you"),
    ("I appreciate it.", "gratitude", "appreciate"),
    ("That was great work on the logo.", "deference", "great work"),
    ("Nice job, Sam.", "deference", "Nice job"),
    ("Hello Sam, the files are ready.", "greeting", "Hello"),
    ("I hope you're well. The files are ready.", "greeting", "I hope you're well"),
    ("Sorry for the delay.", "apologizing", "Sorry"),
    ("Excuse me for asking again.", "apologizing", "Excuse me"),
    ("Could you send it, please?", "please", "please"),
    ("Please send the invoice.", "please-start", "Please"),
    ("Please find the invoice attached.", "please", "Please"),
    ("Would you send the invoice?", "indirect-request", "Would you"),
    ("I was wondering if the logo is final.", "indirect-request", "I was wondering"),
    ("Can you send the invoice?", "modal-request", "Can you"),
    ("It would be great to have the files.", "counterfactual-modal", "would be great"),
    ("I'd appreciate a reply.", "counterfactual-modal", "I'd appreciate"),
    ("Send it if you have time.", "subjunctive", "if you have time"),
    ("I think the colour is off.", "hedge", "I think"),
    ("Perhaps a call is easier.", "hedge", "Perhaps"),
    ("I suggest a short call.", "hedge", "I suggest"),
    ("Let's finish this together.", "first-person-plural", "Let's"),
    ("The files were helpful.", "positive-lexicon", "helpful"),
    ("Why is the logo blue?", "direct-question", "Why"),
    ("Okay. What happened to the files?", "direct-question", "What"),
    ("So the files are late.", "direct-start", "So"),
    ("But the logo is blue.", "direct-start", "But"),
    ("You forgot the files.", "second-person-start", "You"),
    ("Fix the logo.", "imperative", "Fix"),
    ("In fact the logo is blue.", "factuality", "In fact"),
    ("The logo is actually blue.", "factuality", "actually"),
    ("The point is the logo is blue.", "factuality", "point is"),
    ("As I said, the logo is blue.", "factuality", "As I said"),
    ("I need it ASAP.", "urgency", "ASAP"),
    ("This is ridiculous.", "negative-lexicon", "ridiculous"),
]


@pytest.mark.parametrize(("text", "name", "words"), EXAMPLES)
def test_each_strategy_finds_its_words(text, name, words):
    found = [(strategy.name, text[strategy.start : strategy.end]) for strategy in find_strategies(text)]
    assert (name, words) in found, found


def test_every_strategy_has_an_example_a_description_and_a_direction():
    assert {name for _text, name, _words in EXAMPLES} == set(STRATEGY_NAMES)
    assert set(STRATEGY_DESCRIPTIONS) == set(STRATEGY_POLITE) == set(STRATEGY_NAMES)
    for name, description in STRATEGY_DESCRIPTIONS.items():
        assert description.endswith("."), name
        assert 10 < len(description) < 120, name


@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        ("How are you? The files are ready.", "direct-question"),  # a greeting, not a challenge
        ("How about a call?", "direct-question"),
        ("Do you have the files?", "imperative"),  # a question, not an order
        ("Don't hesitate to ask.", "imperative"),
        ("So sorry for the delay!", "direct-start"),
        ("Look forward to it.", "direct-start"),
        ("The parts are so small.", "direct-start"),  # "so" inside a sentence
        ("I asked why you left.", "direct-question"),  # "why" inside a sentence
        ("Would you mind?", "modal-request"),
    ],
)
def test_lookalikes_are_not_the_strategy(text, not_expected):
    assert not_expected not in [strategy.name for strategy in find_strategies(text)]


def test_the_longest_phrase_wins_and_is_reported_once():
    text = "Do you mind if you have a moment to look?"
    found = [(strategy.name, text[strategy.start : strategy.end]) for strategy in find_strategies(text)]
    assert found == [("indirect-request", "Do you mind"), ("subjunctive", "if you have a moment")]


def test_a_line_break_starts_a_sentence():
    text = "Thanks\nwhy is it late\nplease send it"
    names = [strategy.name for strategy in find_strategies(text)]
    assert names == ["gratitude", "direct-question", "please-start"]


def test_tokens_keep_case_apostrophes_and_sentence_punctuation():
    assert tokenize("Hi! I\u2019m done,\nthanks <url>.") == [
        "Hi",
        "!",
        "I'm",
        "done",
        ",",
        LINE_BREAK,
        "thanks",
        "<url>",
        ".",
    ]


def test_features_come_in_the_documented_blocks():
    strategies, blocks = extract("Could you send the Invoice 42 ASAP?")
    assert len(blocks) == len(BLOCKS)
    cues, shape, words = blocks
    assert [strategy.name for strategy in strategies] == ["indirect-request", "urgency"]
    assert cues[:2] == ["indirect-request", "urgency"]
    assert not any(cue.startswith(("end:", "length:", "sentences:")) for cue in cues)  # no format cues
    # Content words become a placeholder, numbers 0 and shouting CAPS; the text start is marked; one end mark.
    assert f"{TEXT_START} could you" in shape
    assert "0 CAPS ." in shape
    assert max(len(gram.split()) for gram in shape) == 3  # 1- to 3-grams
    assert "?" not in shape
    assert "send" in words and "Invoice" not in words  # a capitalised word inside a sentence: a name
    assert "mike" not in extract("Thanks, Mike")[1][2]
    assert not any(" " in word for word in words)  # single words only: the topic stays out of n-grams


def test_wiki_jargon_is_masked():
    _strategies, (_cues, _shape, words) = extract("Why did you revert my edit on Wikipedia?")
    assert "revert" not in words and "wikipedia" not in words
    assert extract("See the attached summary of the deal.")[1][2] == []  # platform words, not tone


@pytest.mark.parametrize(
    "text",
    [
        "Could you send the Invoice 42 ASAP? Thanks, Mike.",
        "Fix the logo. Now! The price was 115 dollars, paid on 3 May.",
        "See the attached summary. Why did you revert my edit on Wikipedia?",
        "شكرا Sam, the café's menu is ready 🙂 Sorry it's late.\nNoor will call.",
    ],
)
def test_the_explained_words_are_the_words_block(text):
    """words_with_spans() repeats extract()'s test of what a word is: the reasons must point at the words the
    model scored, no more and no fewer."""
    _strategies, (_cues, _shape, words) = extract(text)
    assert [word for word, _start, _end in words_with_spans(text)] == words
    for word, start, end in words_with_spans(text):
        assert text[start:end].lower().replace("\u2019", "'") == word
