"""Golden cases: realistic bad messages in cases/*.txt, every finding pinned in the .expected file beside it.

The first line of a case says its kind ("kind: notice"); the message is the rest. To accept new output after
a deliberate change, run with GOODTERMS_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goodterms.tone import analyze

CASES = Path(__file__).parent / "cases"
FILES = sorted(CASES.glob("*.txt"))


def render(path: Path) -> str:
    header, _, text = path.read_text(encoding="utf-8").partition("\n")
    kind = header.partition(":")[2].strip()
    report = analyze(text, kind)
    lines = [f"kind: {kind}  words: {report.stats.words}  sentences: {report.stats.sentences}"]
    for f in report.findings:
        lines.append(f"[{f.start}:{f.end}] {f.severity} {f.rule} {text[f.start : f.end]!r}")
        lines.append(f"    message: {f.message}")
        if f.suggestion is not None:
            lines.append(f"    suggestion: {f.suggestion}")
    return "\n".join(lines) + "\n"


def test_there_are_cases():
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_golden(path):
    expected = path.with_suffix(".expected")
    actual = render(path)
    if os.environ.get("GOODTERMS_UPDATE_GOLDEN") == "1":
        expected.write_text(actual, encoding="utf-8")
    assert expected.exists(), f"no {expected.name}: run with GOODTERMS_UPDATE_GOLDEN=1 and review it"
    assert actual == expected.read_text(encoding="utf-8")
