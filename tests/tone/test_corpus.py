"""On ordinary, friendly business email the coach stays quiet: no errors, and hardly any warnings.

Each file in corpus/friendly/ is a message we wrote ourselves; its first line says its kind ("kind: goodbye").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from goodterms.tone import KINDS, Report, analyze

CORPUS = Path(__file__).parent / "corpus" / "friendly"
FILES = sorted(CORPUS.glob("*.txt"))
MAX_WARNINGS_PER_MESSAGE = 1
MAX_WARNINGS_IN_ALL = 4


def read_message(path: Path) -> tuple[str, str]:
    header, _, text = path.read_text(encoding="utf-8").partition("\n")
    key, _, kind = header.partition(":")
    assert key.strip() == "kind" and kind.strip() in KINDS, (
        f"{path.name}: the first line must be 'kind: <kind>'"
    )
    return kind.strip(), text


def describe(report: Report, text: str) -> list[str]:
    return [f"{f.severity} {f.rule} {text[f.start : f.end]!r}" for f in report.findings]


def test_the_corpus_is_big_and_varied():
    assert len(FILES) >= 25
    kinds = {read_message(path)[0] for path in FILES}
    assert {"notice", "handover", "goodbye", "check-in", "feedback-request", "referral-ask"} <= kinds


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_errors_and_at_most_one_warning(path):
    kind, text = read_message(path)
    report = analyze(text, kind)
    assert report.language == "en"
    assert not report.has_errors, describe(report, text)
    warnings = [f for f in report.findings if f.severity == "warning"]
    assert len(warnings) <= MAX_WARNINGS_PER_MESSAGE, describe(report, text)


def test_few_warnings_over_the_whole_corpus():
    warnings = []
    for path in FILES:
        kind, text = read_message(path)
        warnings += [
            f"{path.stem}: {line}" for line in describe(analyze(text, kind), text) if line.startswith("warn")
        ]
    assert len(warnings) <= MAX_WARNINGS_IN_ALL, warnings
