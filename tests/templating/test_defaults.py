"""The shipped templates: one per kind, each a message the tone coach would pass without a warning."""

from __future__ import annotations

import pytest

from goodterms import templating
from goodterms.lib.vocabulary import MessageKind
from goodterms.tone import analyze

KIND_IDS = list(MessageKind.values())
WITH_SUCCESSOR = templating.example_fields()
WITHOUT_SUCCESSOR = {**WITH_SUCCESSOR, "handover_contact": ""}


def test_there_is_a_default_for_every_kind_and_no_other():
    shipped = sorted(path.stem for path in templating.DEFAULTS_DIR.glob("*.txt"))
    assert shipped == sorted(KIND_IDS)


@pytest.mark.parametrize("fields", [WITH_SUCCESSOR, WITHOUT_SUCCESSOR], ids=["successor", "no-successor"])
@pytest.mark.parametrize("kind", KIND_IDS)
def test_each_default_passes_the_coach_with_no_warnings(kind, fields):
    subject, body = templating.default_template(kind)
    assert templating.check_template(subject, body) == []
    rendered = templating.render(subject, body, fields)
    report = analyze(rendered.body, kind)
    serious = [
        (f.severity, f.rule, rendered.body[f.start : f.end])
        for f in report.findings
        if f.severity != "suggestion"
    ]
    assert serious == []
    # The client's open questions for a notice or a handover are all answered, even the gentle ones.
    open_questions = [f.rule for f in report.findings if f.category == "unanswered-question"]
    assert open_questions == []
    assert report.politeness is not None and report.politeness >= 0.5, report.politeness


@pytest.mark.parametrize("kind", KIND_IDS)
def test_each_default_is_short_and_personal(kind):
    rendered = templating.render(*templating.default_template(kind), WITH_SUCCESSOR)
    assert rendered.subject and "\n" not in rendered.subject
    # A letter greets one person by first name; a call script says whom to call and the number.
    opening = "Call Dana on +49 151 2345678." if kind == MessageKind.CALL_SCRIPT else "Hi Dana,"
    assert rendered.body.startswith(opening), "addressed to one person by first name"
    assert len(rendered.body.split()) <= 160
    assert "{" not in rendered.body and "}" not in rendered.body


def test_the_notice_says_the_date_and_who_takes_over():
    body = templating.render(*templating.default_template("notice"), WITH_SUCCESSOR).body
    assert "Friday 15 January 2027" in body
    assert "Sam Park at Lark Studio" in body
    without = templating.render(*templating.default_template("notice"), WITHOUT_SUCCESSOR).body
    assert "Sam Park" not in without and "\n\n\n" not in without


def test_the_completion_says_it_for_them():
    body = templating.render(*templating.default_template("completion"), WITH_SUCCESSOR).body
    assert "All the work on the spring relaunch of the online shop is done" in body


def test_the_feedback_request_asks_specific_questions():
    body = templating.render(*templating.default_template("feedback-request"), WITH_SUCCESSOR).body
    assert body.count("?") >= 3


def test_defaults_are_read_once():
    assert templating.default_template("goodbye") is templating.default_template("goodbye")
