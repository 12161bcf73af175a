"""Counting words right: "1 deliverable", "2 deliverables", "both", "all 3", never "(s)"."""

from __future__ import annotations

import re
from pathlib import Path

from goodterms.lib.words import every, noun, plural

SRC = Path(__file__).resolve().parents[2] / "src" / "goodterms"


def test_plural_follows_the_count():
    assert plural(0, "deliverable") == "0 deliverables"
    assert plural(1, "deliverable") == "1 deliverable"
    assert plural(2, "deliverable") == "2 deliverables"
    assert plural(3, "child", "children") == "3 children"
    assert noun(1, "child", "children") == "child"


def test_every_says_the_one_both_or_all():
    assert every(1, "invoice") == "the invoice"
    assert every(2, "invoice") == "both invoices"
    assert every(3, "invoice") == "all 3 invoices"


def test_no_page_or_message_counts_with_a_bracketed_s():
    """Templates and the words Python shows users never write "step(s)"; log lines are for operators."""
    offenders = []
    for path in [*SRC.rglob("*.html"), *SRC.rglob("*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            operators = "log." in line or "%d" in line or "escape(" in line  # log lines and code
            if re.search(r"[a-z]\(s\)", line) and not operators:
                offenders.append(f"{path.relative_to(SRC)}:{number}")
    assert offenders == []
