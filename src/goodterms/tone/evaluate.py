"""`make eval-tone`: how the tone coach does on data it was not built from, beside the paper's figures.

    python -m goodterms.tone.evaluate --politeness wiki.csv se.csv --offers offers.csv \
        --enron sent-dev.jsonl --goemotions train.tsv

- politeness, the paper's task (top vs bottom quartile), on each Stanford half by k-fold cross-validation,
  then trained on one half and tested on the other (Danescu-Niculescu-Mizil et al., ACL 2013);
- warm vs tough offers, each offer scored by a model that did not train on it (k-fold over the offers, the
  Stanford halves always in training);
- false alarms: the share of real business mail (Enron sent folders) with at least one warning or error,
  read as no kind of message, and as a goodbye or a notice counting the content rules only (not the
  rules that ask for what such a message should contain);
- what it exists to catch: recall on Reddit comments labelled anger or annoyance (GoEmotions), and the
  false-flag rate on gratitude and admiration.

Each figure comes with its worst examples. The data stays outside the package; scikit-learn is needed for
the politeness part (a development dependency).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from goodterms.tone import analyze, default_rules
from goodterms.tone.politeness import score
from goodterms.tone.politeness import train as t
from goodterms.tone.politeness.features import Features

# Danescu-Niculescu-Mizil et al. 2013: SVM on linguistic features (and humans), as the data's README gives.
PAPER = {
    "wikipedia": "83.8% (humans 86.7%)",
    "stack-exchange": "78.2% (humans 80.9%)",
    "wikipedia->stack-exchange": "67.5%",
    "stack-exchange->wikipedia": "75.4%",
}
TARGETS = {
    "wikipedia->stack-exchange": 0.70,
    "stack-exchange->wikipedia": 0.78,
    "offers": 0.85,
    "enron": 0.01,
    "anger": 0.70,
    "kind": 0.03,
}
FLAGGING = ("error", "warning")
CONTENT_KINDS = ("required_when", "readability")  # rules about what is missing or how long: not content
WORST = 3


def _short(text: str, width: int = 110) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _name(path: Path) -> str:
    return path.name.split(".")[0]


def _status(value: float, target: float, at_most: bool = False) -> str:
    met = value <= target if at_most else value >= target
    return f"target {'≤' if at_most else '≥'} {target:.0%}: {'met' if met else 'MISSED'}"


def politeness_section(paths: Sequence[Path], offers_path: Path | None, folds: int, seed: int) -> list[str]:
    from sklearn.model_selection import StratifiedKFold

    corpora = {_name(path): t.load_corpus(path) for path in paths}
    cache: dict[str, Features] = {}
    lines = [f"Politeness: top vs bottom quartile, {folds}-fold stratified cross-validation, seed {seed}", ""]
    for name, corpus in corpora.items():
        features = [t.features_of(text, cache) for text in corpus.texts]
        result = t.cross_validate(corpus, features, folds=folds, seed=seed, name=name)
        lines.append(f"  {name:<32} {result.mean:6.1%} ± {result.stdev:.1%}   paper {PAPER.get(name, 'n/a')}")
    names = list(corpora)
    for source in names:
        for target in names:
            if source == target:
                continue
            fitted = t.fit(
                [t.features_of(x, cache) for x in corpora[source].texts],
                corpora[source].polite(),
                corpora[source].weights(),
            )
            labels = corpora[target].quartile_labels()
            scored = [i for i, label in enumerate(labels) if label is not None]
            texts = [corpora[target].texts[i] for i in scored]
            margins = t.decision(fitted, [t.features_of(x, cache) for x in texts])
            right = [(m > 0) == (labels[i] == 1) for m, i in zip(margins, scored, strict=True)]
            accuracy = sum(right) / len(right)
            key = f"{source}->{target}"
            lines.append(
                f"  {key:<32} {accuracy:6.1%}          paper {PAPER.get(key, 'n/a')}; "
                + _status(accuracy, TARGETS.get(key, 0.0))
            )
            wrong = sorted((abs(m), m, i) for m, i, ok in zip(margins, scored, right, strict=True) if not ok)[
                -WORST:
            ]
            for _, margin, index in reversed(wrong):
                said = "polite" if labels[index] == 1 else "impolite"
                lines.append(
                    f"      worst: {said}, margin {margin:+.2f}: {_short(corpora[target].texts[index])}"
                )
    lines += bag_of_words_baseline(corpora, folds, seed)
    if offers_path is not None:
        offers = t.load_offers(offers_path)
        held = t.held_out(list(corpora.values()), offers, folds, seed, cache)
        first = len(held.margins) - len(offers.texts)
        margins = held.margins[first:]
        right = [(m > 0) == (label == 1) for m, label in zip(margins, offers.labels, strict=True)]
        accuracy = sum(right) / len(right)
        lines.append(
            f"  {'offers, warm vs tough (held out)':<32} {accuracy:6.1%}          "
            f"(no paper figure) {_status(accuracy, TARGETS['offers'])}"
        )
        wrong = sorted((abs(m), m, i) for i, (m, ok) in enumerate(zip(margins, right, strict=True)) if not ok)
        for _, margin, index in reversed(wrong[-WORST:]):
            said = "warm" if offers.labels[index] == 1 else "tough"
            lines.append(f"      worst: {said}, margin {margin:+.2f}: {_short(offers.texts[index])}")
        # The probability's 0.5 line (train.HeldOut.line), fit without the offers it is checked on.
        below = [0.0] * len(offers.texts)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for _, test in splitter.split(offers.texts, offers.labels):
            slope, offset = held.line({first + int(i) for i in test})
            for i in test:
                below[int(i)] = float(slope * margins[int(i)] + offset < 0)
        tough = [b for b, label in zip(below, offers.labels, strict=True) if label == 0]
        warm = [1 - b for b, label in zip(below, offers.labels, strict=True) if label == 1]
        lines.append(
            f"  {'offers at the 0.5 line':<32} {statistics.fmean(tough):6.1%} of tough below, "
            f"{statistics.fmean(warm):.1%} of warm above (line fit without them)"
        )
    lines.append("")
    return lines


def bag_of_words_baseline(corpora: dict[str, t.Corpus], folds: int, seed: int) -> list[str]:
    """The same task for a plain bag of words (unigrams, logistic regression), printed for scale.

    On this copy of the corpus it shows what words alone can learn of each half: the StackExchange half is
    much harder than the paper found, in its own domain as from the other one.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    def model() -> Any:
        return make_pipeline(
            CountVectorizer(binary=True, min_df=2), LogisticRegression(C=0.1, max_iter=5_000)
        )

    labelled = {}
    for name, corpus in corpora.items():
        labels = corpus.quartile_labels()
        kept = [i for i, label in enumerate(labels) if label is not None]
        labelled[name] = ([corpus.texts[i] for i in kept], [labels[i] for i in kept])
    found = []
    for name, (texts, labels) in labelled.items():
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        found.append(f"{name} {statistics.fmean(cross_val_score(model(), texts, labels, cv=splitter)):.1%}")
    for source, (texts, labels) in labelled.items():
        for target, (other_texts, other_labels) in labelled.items():
            if source != target:
                found.append(
                    f"{source}->{target} {model().fit(texts, labels).score(other_texts, other_labels):.1%}"
                )
    return [
        "  a plain bag of words on the same task, for scale (unigrams, logistic regression):",
        "      " + ", ".join(found),
    ]


def _flagged(text: str, kind: str | None, content_only: bool) -> list[str]:
    rules = default_rules()
    report = analyze(text, kind)
    return [
        f.rule
        for f in report.findings
        if f.severity in FLAGGING
        and not (content_only and f.rule in rules and rules[f.rule].kind in CONTENT_KINDS)
    ]


def enron_section(path: Path) -> list[str]:
    mails = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [
        f"Business mail (Enron sent folders, {len(mails):,} messages, raw bodies with quotes and forwards)"
    ]
    for kind, content_only in ((None, False), ("goodbye", True), ("notice", True)):
        counts: Counter[str] = Counter()
        examples: list[tuple[str, list[str]]] = []
        for mail in mails:
            found = _flagged(mail["raw_body"], kind, content_only)
            if found:
                counts.update(set(found))
                examples.append((mail["text"], found))
        share = len(examples) / len(mails)
        label = "no kind" if kind is None else f"as {kind}, content rules only"
        status = _status(share, TARGETS["enron"], at_most=True) if kind is None else ""
        lines.append(f"  ≥ 1 warning or error, {label:<32} {share:6.2%} ({len(examples)})  {status}")
        lines.append("      rules: " + ", ".join(f"{rule} {n}" for rule, n in counts.most_common(6)))
        for text, found in examples[:WORST]:
            lines.append(f"      e.g. {found[0]}: {_short(text)}")
    probabilities = [p for mail in mails if (p := score(mail["text"]).probability) is not None]
    above = sum(p > 0.5 for p in probabilities) / max(1, len(probabilities))
    lines.append(
        f"  politeness above 0.5 (the writer's own text)  {above:6.1%};"
        f" median {statistics.median(probabilities):.2f}"
    )
    lines.append("")
    return lines


def goemotions_section(path: Path) -> list[str]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if "\t" in line]
    by_label: dict[str, list[str]] = {}
    for text, label in rows:
        by_label.setdefault(label.strip(), []).append(text)
    lines = ["Reddit comments (GoEmotions), read as no kind of message: warning or error"]
    for label, catch in (("anger", True), ("annoyance", True), ("gratitude", False), ("admiration", False)):
        texts = by_label.get(label, [])
        hits = [(text, found) for text in texts if (found := _flagged(text, None, False))]
        share = len(hits) / max(1, len(texts))
        what = "recall" if catch else "false flags"
        # The issue sets a target for anger, and for gratitude and admiration; annoyance is shown beside.
        status = (
            "(no target)"
            if label == "annoyance"
            else _status(share, TARGETS["anger" if catch else "kind"], at_most=not catch)
        )
        lines.append(f"  {label:<12} {what:<12} {share:6.1%} of {len(texts):,}  {status}")
        if catch:
            missed = [text for text in texts if not _flagged(text, None, False)]
            lines.extend(f"      missed: {_short(text)}" for text in missed[:WORST])
        else:
            lines.extend(f"      flagged ({found[0]}): {_short(text)}" for text, found in hits[:WORST])
    lines.append("")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m goodterms.tone.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--politeness", type=Path, nargs="*", default=[], help="Stanford Politeness CSVs")
    parser.add_argument("--offers", type=Path, help="warm and tough offers (CSV)")
    parser.add_argument("--enron", type=Path, help="business mail (JSON lines with text and raw_body)")
    parser.add_argument("--goemotions", type=Path, help="Reddit comments with emotion labels (TSV)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=t.SEED)
    args = parser.parse_args(argv)
    lines: list[str] = []
    if args.politeness:
        lines += politeness_section(args.politeness, args.offers, args.folds, args.seed)
    if args.enron:
        lines += enron_section(args.enron)
    if args.goemotions:
        lines += goemotions_section(args.goemotions)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
