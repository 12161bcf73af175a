"""`make eval-tone`'s mail and Reddit sections, on a few made-up rows (the real data stays in ../shared)."""

from __future__ import annotations

import json

from goodterms.tone import evaluate
from goodterms.tone.politeness import train as t


def test_business_mail_counts_the_messages_with_a_warning_and_names_the_rules(tmp_path):
    mails = [
        {"text": "Thanks for the file, see you Monday.", "raw_body": "Thanks for the file, see you Monday."},
        {"text": "You idiot, the file is wrong.", "raw_body": "You idiot, the file is wrong."},
    ]
    path = tmp_path / "sent.jsonl"
    path.write_text("\n".join(json.dumps(mail) for mail in mails), encoding="utf-8")
    lines = evaluate.enron_section(path)
    assert "50.00% (1)  target ≤ 1%: MISSED" in lines[1]
    assert lines[2].strip().startswith("rules: emotional.insult 1")


def test_reddit_recall_has_a_target_for_anger_only(tmp_path):
    rows = [
        ("I hate you, you idiot.", "anger"),
        ("The bus is late again.", "anger"),
        ("Stop lying to me.", "annoyance"),
        ("Thank you so much!", "gratitude"),
        ("What a lovely photo.", "admiration"),
    ]
    path = tmp_path / "train.tsv"
    path.write_text("text\tlabel\n" + "".join(f"{text}\t{label}\n" for text, label in rows), encoding="utf-8")
    lines = evaluate.goemotions_section(path)
    anger = next(line for line in lines if line.strip().startswith("anger"))
    annoyance = next(line for line in lines if line.strip().startswith("annoyance"))
    assert "50.0% of 2" in anger and "target ≥ 70%: MISSED" in anger
    assert "100.0% of 1" in annoyance and "(no target)" in annoyance
    assert any("missed: The bus is late again." in line for line in lines)


def test_the_bag_of_words_baseline_scores_each_half_and_each_direction():
    def corpus(polite: str, rude: str) -> t.Corpus:
        texts = [f"{polite} number {i}" for i in range(20)] + [f"{rude} number {i}" for i in range(20)]
        return t.Corpus(texts=texts, scores=[1.0] * 20 + [-1.0] * 20, sha256="")

    corpora = {
        "one": corpus("could you please", "fix it now"),
        "two": corpus("please could you", "now fix it"),
    }
    _title, line = evaluate.bag_of_words_baseline(corpora, folds=2, seed=0)
    # the words tell the classes apart in both halves, so every figure is 100%
    assert line.endswith("one 100.0%, two 100.0%, one->two 100.0%, two->one 100.0%")
