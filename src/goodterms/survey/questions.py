"""The survey's questions: the default set, how an organization writes its own, and how answers are checked.

A question is a plain dict (stored as JSON, frozen with each invitation): `key` (stable, what answers are
filed under), `kind` (lib.vocabulary.QuestionKind), `text`, and for a choice its `choices`. An organization
edits its set as lines, one question each, `kind: question text` (a choice adds `| option | option`):

    text: What worked well for you?
    rating: How would you rate our communication?
    choice: Would you work with us again? | Yes | Maybe | No

Every problem names its line. At most seven questions, at most one recommend score and one quote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from goodterms.lib import checks
from goodterms.lib.refused import Refused
from goodterms.lib.vocabulary import QuestionKind

MAX_QUESTIONS = 7
QUESTION_MAX = 300  # characters of a question's text
CHOICE_MAX = 100
TEXT_ANSWER_MAX = 2000  # characters of a free-text answer
RATING_RANGE = range(1, 6)
SCORE_RANGE = range(0, 11)

# The testimonial box, stored word for word with the consent: what the person agreed to is what they read.
CONSENT_WORDING = (
    "You may quote my answer to the last question, with my first name and my company, as a testimonial. "
    "I can withdraw this at any time through this same link."
)

DEFAULT_QUESTIONS: tuple[dict[str, Any], ...] = (
    {
        "key": "worked",
        "kind": QuestionKind.TEXT.value,
        "text": "What worked well for you in our work together?",
    },
    {"key": "improve", "kind": QuestionKind.TEXT.value, "text": "What should we improve?"},
    {
        "key": "differently",
        "kind": QuestionKind.TEXT.value,
        "text": "What is the one thing we should have done differently?",
    },
    {
        "key": "communication",
        "kind": QuestionKind.RATING.value,
        "text": "How would you rate our communication? (1 poor, 5 excellent)",
    },
    {
        "key": "recommend",
        "kind": QuestionKind.SCORE.value,
        "text": "How likely are you to recommend us to a colleague? (0 not at all, 10 extremely)",
    },
    {
        "key": "quote",
        "kind": QuestionKind.QUOTE.value,
        "text": "In a sentence or two, how would you describe working with us?",
    },
)


class QuestionsInvalid(Refused):
    """A question set that cannot be used; the message names the line."""


def default_questions() -> list[dict[str, Any]]:
    return [dict(question) for question in DEFAULT_QUESTIONS]


def _key(text: str, taken: set[str]) -> str:
    base = hashlib.sha256(text.casefold().encode()).hexdigest()[:10]
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def as_lines(questions: Sequence[Mapping[str, Any]]) -> str:
    """A set as the lines the settings page edits."""
    lines = []
    for question in questions:
        line = f"{question['kind']}: {question['text']}"
        if question.get("choices"):
            line += " | " + " | ".join(question["choices"])
        lines.append(line)
    return "\n".join(lines)


def parse_lines(text: str, *, keep: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """Lines to a question set, or QuestionsInvalid naming the first bad line. A question whose kind and text
    are unchanged keeps its key (`keep`), so results across exits stay together."""
    known = {(q["kind"], q["text"]): q["key"] for q in keep}
    questions: list[dict[str, Any]] = []
    taken: set[str] = set()
    kinds = ", ".join(QuestionKind.values())
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        where = f"Line {number}"
        kind, colon, rest = line.partition(":")
        kind = kind.strip().lower()
        if not colon or kind not in QuestionKind.values():
            raise QuestionsInvalid(f"{where} must start with a kind and a colon ({kinds}), as in “text: …”.")
        parts = [part.strip() for part in rest.split("|")]
        question_text, choices = parts[0], [c for c in parts[1:] if c]
        if not question_text:
            raise QuestionsInvalid(f"{where} has no question after “{kind}:”.")
        if len(question_text) > QUESTION_MAX:
            raise QuestionsInvalid(
                f"{where}: the question is {len(question_text)} characters; the limit is {QUESTION_MAX}."
            )
        for value in [question_text, *choices]:
            try:
                checks.check_single_line(value, field="question")
            except checks.InvalidValue as invalid:
                raise QuestionsInvalid(f"{where}: {invalid.message}") from None
        if kind == QuestionKind.CHOICE:
            if not 2 <= len(choices) <= 8:
                raise QuestionsInvalid(f"{where}: a choice needs 2 to 8 options, separated by “|”.")
            if len({c.casefold() for c in choices}) != len(choices):
                raise QuestionsInvalid(f"{where}: two options are the same.")
            if any(len(c) > CHOICE_MAX for c in choices):
                raise QuestionsInvalid(f"{where}: an option is longer than {CHOICE_MAX} characters.")
        elif choices:
            raise QuestionsInvalid(f"{where}: only a choice question has options after “|”.")
        key = known.get((kind, question_text)) or _key(question_text, taken)
        if key in taken:
            key = _key(question_text, taken)
        taken.add(key)
        question: dict[str, Any] = {"key": key, "kind": kind, "text": question_text}
        if choices:
            question["choices"] = choices
        questions.append(question)
    if not questions:
        raise QuestionsInvalid("Write at least one question, one per line.")
    if len(questions) > MAX_QUESTIONS:
        raise QuestionsInvalid(
            f"There are {len(questions)} questions; at most {MAX_QUESTIONS}: short surveys get answered."
        )
    for kind in (QuestionKind.SCORE, QuestionKind.QUOTE):
        if sum(q["kind"] == kind for q in questions) > 1:
            raise QuestionsInvalid(f"At most one “{kind.value}” question: the results read one.")
    return questions


class AnswerProblem(Refused):
    """An answer the page cannot take; the message names the question. The person's text is kept."""


def clean_answers(questions: Sequence[Mapping[str, Any]], posted: Mapping[str, str]) -> dict[str, Any]:
    """The answers the person gave, by question key, from what the page posted (`q-<key>` fields); empty
    ones are left out. Anything else posted is ignored. AnswerProblem for an answer out of range or too
    long."""
    answers: dict[str, Any] = {}
    for number, question in enumerate(questions, start=1):
        raw = (posted.get(f"q-{question['key']}") or "").strip()
        if not raw:
            continue
        kind = question["kind"]
        if kind in (QuestionKind.RATING, QuestionKind.SCORE):
            allowed = RATING_RANGE if kind == QuestionKind.RATING else SCORE_RANGE
            try:
                value = int(raw)
            except ValueError:
                value = -1
            if value not in allowed:
                raise AnswerProblem(
                    f"Question {number}: choose a number from {allowed.start} to {allowed.stop - 1}."
                )
            answers[question["key"]] = value
        elif kind == QuestionKind.CHOICE:
            if raw not in question.get("choices", []):
                raise AnswerProblem(f"Question {number}: choose one of the options.")
            answers[question["key"]] = raw
        else:
            if len(raw) > TEXT_ANSWER_MAX:
                raise AnswerProblem(
                    f"Your answer to question {number} is {len(raw):,} characters; the limit is "
                    f"{TEXT_ANSWER_MAX:,}. Please shorten it: nothing was cut."
                )
            answers[question["key"]] = raw
    return answers


def quote_key(questions: Sequence[Mapping[str, Any]]) -> str | None:
    return next((q["key"] for q in questions if q["kind"] == QuestionKind.QUOTE), None)


def score_key(questions: Sequence[Mapping[str, Any]]) -> str | None:
    return next((q["key"] for q in questions if q["kind"] == QuestionKind.SCORE), None)
