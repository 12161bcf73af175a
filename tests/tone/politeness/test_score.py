"""The shipped politeness model, through the public `score()`."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goodterms.tone.politeness import STRATEGY_DESCRIPTIONS, STRATEGY_POLITE, Politeness, score
from goodterms.tone.politeness import model as model_module
from goodterms.tone.politeness.features import extract, fingerprint
from goodterms.tone.report import Strategy

POLITE = "Thanks so much for your help! Could you please take a look when you have a moment?"
RUDE = "Why did you break it again? Fix it now."


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the politeness model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model_module.shipped.cache_clear()
    yield
    model_module.shipped.cache_clear()


def test_the_shipped_model_loads_without_network(no_network):
    model = model_module.shipped()
    assert model.tables and all(model.tables)
    assert 0.0 < model.probability(model.margin(extract(POLITE)[1])) <= 1.0


def test_the_shipped_model_was_trained_on_these_features():
    # features.py changed since the model was trained: run `make train-tone` and commit model.json.gz.
    assert model_module.shipped().fingerprint == fingerprint()


def test_polite_text_scores_higher_than_rude_text():
    polite, rude = score(POLITE), score(RUDE)
    assert polite.probability is not None and rude.probability is not None
    assert polite.probability > 0.5 > rude.probability
    assert polite.probability - rude.probability > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Hi Sam, thank you for a great year of work together. Would you be open to a short call next week?",
        "I really appreciate your patience with this. If you have time, could you send the final files?",
    ],
)
def test_courteous_messages_read_as_polite(text):
    probability = score(text).probability
    assert probability is not None and probability > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "You never answered my emails. This is unacceptable.",
        "So what exactly is your problem? Stop changing the design.",
    ],
)
def test_curt_messages_read_as_impolite(text):
    probability = score(text).probability
    assert probability is not None and probability < 0.5


def test_strategies_slice_the_words_they_name():
    result = score(POLITE)
    found = {(strategy.name, POLITE[strategy.start : strategy.end]) for strategy in result.strategies}
    assert ("gratitude", "Thanks") in found
    assert ("indirect-request", "Could you") in found
    assert ("please", "please") in found
    assert ("subjunctive", "when you have a moment") in found
    rude = {(strategy.name, RUDE[strategy.start : strategy.end]) for strategy in score(RUDE).strategies}
    assert rude == {("direct-question", "Why"), ("imperative", "Fix")}


def test_the_result_is_a_frozen_value():
    result = score(POLITE)
    assert isinstance(result, Politeness)
    assert all(isinstance(strategy, Strategy) for strategy in result.strategies)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.probability = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🙏 Thanks 😊! Could you 👉 help?", [("gratitude", "Thanks"), ("indirect-request", "Could you")]),
        (
            "שלום! مرحبا. Thanks, could you check?",
            [("gratitude", "Thanks"), ("indirect-request", "could you")],
        ),
        # Fraktur letters, a family emoji joined by zero-width joiners.
        ("👩\u200d👩\u200d👧 Sorry, \U0001d518\U0001d52b\U0001d526 - why?", [("apologizing", "Sorry")]),
        # A combining accent keeps "Thanks" one word (not "Thank" + "s"); a flag is two code points.
        ("Thank\u0301s! 🇫🇷 Please, we…", [("please-start", "Please"), ("first-person-plural", "we")]),
        # Curly apostrophes and an en dash.
        (
            "I\u2019m sorry, I can\u2019t \u2013 could you?",
            [("apologizing", "sorry"), ("indirect-request", "could you")],
        ),
        ("Hi!\r\nSo\u200bwhy\tnot?", [("greeting", "Hi"), ("direct-start", "So")]),
    ],
)
def test_offsets_hold_for_emoji_and_right_to_left_text(text, expected):
    strategies = score(text).strategies
    for strategy in strategies:
        assert 0 <= strategy.start <= strategy.end <= len(text)
    assert [(strategy.name, text[strategy.start : strategy.end]) for strategy in strategies] == expected


@pytest.mark.parametrize("text", ["", " ", "\n\n", "?!", "🙂", "…", "<url>"])
def test_nearly_empty_text_is_not_scored(text):
    result = score(text)
    assert result.probability is None  # too few words to say anything about politeness
    assert result.strategies == ()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gets_a_probability_or_none_and_valid_offsets(text):
    result = score(text)
    assert result.probability is None or 0.0 <= result.probability <= 1.0
    for strategy in result.strategies:
        assert 0 <= strategy.start <= strategy.end <= len(text)
        assert strategy.name in STRATEGY_DESCRIPTIONS
        assert strategy.polite is STRATEGY_POLITE[strategy.name]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Thanks", "could", "you", "please", "why", "so", ".", "?", "\n", "🙂"])))
def test_strategy_heavy_text_keeps_valid_offsets(parts):
    text = " ".join(parts)
    previous_end = 0
    for strategy in score(text).strategies:
        assert previous_end <= strategy.start < strategy.end <= len(text)  # in order, never overlapping
        assert text[strategy.start : strategy.end].strip() == text[strategy.start : strategy.end]
        previous_end = strategy.end


def test_the_package_docstring_example_holds():
    import doctest

    import goodterms.tone.politeness

    results = doctest.testmod(goodterms.tone.politeness)
    assert results.attempted >= 1
    assert results.failed == 0
