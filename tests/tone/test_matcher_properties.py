"""Whatever the text and kind: no crash, every span is a valid slice of the text, findings come in order."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodterms.tone import KINDS, analyze

# Pieces that make rules fire, reply headers, signatures, HTML and odd characters, mixed with arbitrary text.
PIECES = [
    "Hi all,\n",
    "Hi Anna,\n",
    "you never",
    "As per my last email, ",
    "NOT ACCEPTABLE",
    "!!",
    "?!",
    "sorry ",
    "just ",
    "soon",
    "31 March",
    "2026-03-31",
    "\n> quoted line\n",
    "\nOn Tue, 3 Mar 2026, Anna <a@b.c> wrote:\n",
    "\n-----Original Message-----\n",
    "\n-- \n",
    "\nBest,\nTom\n",
    "<p>",
    "</p>",
    "<br>",
    "<blockquote>",
    "&amp;",
    "&nbsp;",
    "&#39;",
    "&bogus;",
    "<html>",
    "İ",
    "ß",
    "👋",
    "שלום",
    "\u200f",
    "\r\n",
    "\n\n",
    " ",
    ".",
]

texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)), max_size=40).map("".join)
kinds = st.sampled_from((*KINDS, None))


def check(text: str, kind: str | None) -> None:
    report = analyze(text, kind)
    positions = [(f.start, f.end) for f in report.findings]
    assert positions == sorted(positions)
    for finding in report.findings:
        assert 0 <= finding.start <= finding.end <= len(text), (finding, len(text))
        assert finding.message
    for strategy in report.strategies:
        assert 0 <= strategy.start <= strategy.end <= len(text)
    assert report.stats.words >= 0 and report.stats.sentences >= 0
    assert report.politeness is None or 0.0 <= report.politeness <= 1.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, kinds)
def test_spans_are_always_valid(text, kind):
    check(text, kind)


@settings(max_examples=200, deadline=None)
@given(st.text(), kinds)
def test_arbitrary_unicode(text, kind):
    check(text, kind)
