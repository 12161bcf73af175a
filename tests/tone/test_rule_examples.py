"""Every shipped rule's examples behave: each `flag` text is flagged by that rule, each `pass` text is not."""

from __future__ import annotations

import pytest

from goodterms.tone import CATEGORIES, analyze, default_rules
from goodterms.tone.kinds import REGISTRY

RULES = list(default_rules())
FLAG = [
    pytest.param(rule.id, text, id=f"{rule.id}-flag{i}") for rule in RULES for i, text in enumerate(rule.flag)
]
PASS = [
    pytest.param(rule.id, text, id=f"{rule.id}-pass{i}")
    for rule in RULES
    for i, text in enumerate(rule.passes)
]


def _fired(rule_id: str, text: str) -> list[str]:
    rule = default_rules()[rule_id]
    report = analyze(text, rule.example_kind)
    return [f.rule for f in report.findings if f.rule == rule_id]


@pytest.mark.parametrize(("rule_id", "text"), FLAG)
def test_it_flags(rule_id, text):
    assert _fired(rule_id, text), f'false negative in {rule_id}: "{text}"'


@pytest.mark.parametrize(("rule_id", "text"), PASS)
def test_it_passes(rule_id, text):
    assert not _fired(rule_id, text), f'false positive in {rule_id}: "{text}"'


def test_every_rule_has_examples_both_ways_and_a_source():
    for rule in RULES:
        assert rule.flag and rule.passes and rule.source.strip(), rule.id


def test_every_category_has_several_rules():
    counts = {category: sum(rule.category == category for rule in RULES) for category in CATEGORIES}
    assert all(count >= 3 for count in counts.values()), counts


def test_every_rule_kind_is_used():
    assert {rule.kind for rule in RULES} == set(REGISTRY)


def test_errors_are_kept_for_what_damages_the_relationship():
    errors = {rule.category for rule in RULES if rule.severity == "error"}
    assert errors <= {
        "blame",
        "mass-greeting",
        "emotional",
        "passive-aggressive",
        "defensive",
        "unanswered-question",
    }
    for rule_id in (
        "blame.you-never",
        "mass-greeting.hi-all",
        "emotional.insult",
        "passive-aggressive.as-per-my-last-email",
        "unanswered-question.end-date",
    ):
        assert default_rules()[rule_id].severity == "error", rule_id
