"""Train, cross-validate and write the politeness model (`make train-tone`, `make eval-tone`).

    python -m goodterms.tone.politeness.train --data wikipedia.annotated.csv            # writes the model
    python -m goodterms.tone.politeness.train --data wikipedia.annotated.csv --evaluate # prints accuracy

The data is the Stanford Politeness Corpus (Danescu-Niculescu-Mizil et al., ACL 2013): requests, each with a
`Normalized Score` from five annotators. The benchmark task is the paper's: the top quartile of the score is
"polite", the bottom quartile "impolite", and accuracy is measured on those requests only, by 10-fold
stratified cross-validation. The requests of the middle half are never scored, but they are used for training
(in every fold, and for the shipped model): the model is a logistic regression of "above the median score",
each request weighted by its distance from the median, so the mild requests count for little but still teach
it something. `--evaluate` also shows the figure without them, and without the words block.

The shipped model is trained on both halves of the corpus and on warm and tough purchase offers (`--offers`),
after the held-out figures are known (`make eval-tone`). Its probability is calibrated (Platt scaling) on
held-out margins of every request and offer, each scored by a model trained on the other folds: 0.5 is the
line between the texts readers rated impolite (the bottom quartile of each half) or writers meant to be tough
(the tough offers), and the rest (the ordinary middle and the polite top, the warm offers), each source and
each class counting the same. So "not polite" means rude or tough, not merely plain: the middle half of the
requests, ordinary requests with no courtesy added, is on the polite side of the line as readers rated it.
The benchmark figures are the margin's sign (above or below the median), which is the model's own line.

Needs scikit-learn and numpy, which are development dependencies only: scoring (`model.py`) needs neither.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from goodterms.tone.politeness.features import BLOCKS, Features, extract, fingerprint
from goodterms.tone.politeness.model import ARTIFACT, FORMAT, idf

TEXT_COLUMN = "Request"
SCORE_COLUMN = "Normalized Score"
SEED = 0
FOLDS = 10
C = 1.0  # inverse L2 regularisation strength of the logistic regression: strong, so no feature dominates
CLIP = 2.5  # no weight beyond ±CLIP: one word cannot decide a message on its own (2.0: offers 84.5%)
MIN_DF = 3  # a feature seen in fewer training texts than this is dropped: it would learn those texts only
# How much one warm or tough offer counts in training, beside a request's distance from the median (0.7 on
# average): the offers are the only business-register texts, 355 beside 11,000 requests.
OFFERS_WEIGHT = 5.0
SCALES = (1.0, 1.0, 1.0)  # weight of each block of BLOCKS; a smaller one regularises that block harder
DIGITS = 6  # significant digits kept of each weight: plenty, and the artifact stays small and stable

# Danescu-Niculescu-Mizil, Sudhof, Jurafsky, Leskovec, Potts. "A computational approach to politeness with
# application to social factors." ACL 2013, Wikipedia requests, in-domain.
PAPER = (
    ("paper: bag-of-words SVM", 0.798),
    ("paper: linguistic-feature SVM", 0.838),
    ("paper: human agreement", 0.867),
)

DEFAULT_OUTPUT = Path(__file__).with_name(ARTIFACT)


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    scores: list[float]
    sha256: str  # of the file, recorded in the artifact

    @property
    def median(self) -> float:
        return statistics.median(self.scores)

    def polite(self) -> list[int]:
        """1 for a request above the median score, else 0: the model's training target."""
        median = self.median
        return [int(score > median) for score in self.scores]

    def weights(self) -> list[float]:
        """How much each request counts in training: its distance from the median score."""
        median = self.median
        return [abs(score - median) for score in self.scores]

    def quartile_labels(self) -> list[int | None]:
        """The paper's task: 1 in the top quartile, 0 in the bottom one, None in the middle half."""
        low, high = _percentile(self.scores, 0.25), _percentile(self.scores, 0.75)
        return [1 if score >= high else 0 if score <= low else None for score in self.scores]


def _percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default percentile)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def load_corpus(path: Path) -> Corpus:
    data = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not rows or TEXT_COLUMN not in rows[0] or SCORE_COLUMN not in rows[0]:
        raise ValueError(f"{path}: expected the columns {TEXT_COLUMN!r} and {SCORE_COLUMN!r}")
    return Corpus(
        texts=[row[TEXT_COLUMN] for row in rows],
        scores=[float(row[SCORE_COLUMN]) for row in rows],
        sha256=hashlib.sha256(data).hexdigest(),
    )


@dataclass(frozen=True)
class Offers:
    """Purchase offers written to be warm (1) or tough (0): business register, used to place the 0.5 line."""

    texts: list[str]
    labels: list[int]
    sha256: str


def load_offers(path: Path) -> Offers:
    data = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if not rows or "message" not in rows[0] or "condition" not in rows[0]:
        raise ValueError(f"{path}: expected the columns 'message' and 'condition'")
    labels = []
    for number, row in enumerate(rows, start=2):
        try:
            labels.append(int(float(row["condition"])))
        except ValueError:
            raise ValueError(f"{path}:{number}: condition {row['condition']!r} is not 0 or 1") from None
    return Offers([row["message"] for row in rows], labels, hashlib.sha256(data).hexdigest())


@dataclass
class Rows:
    """Training rows from several sources: features, target (1 polite) and weight of each text."""

    features: list[Features]
    targets: list[int]
    weights: list[float]

    @classmethod
    def of(cls, corpora: Sequence[Corpus], cache: dict[str, Features]) -> Rows:
        rows = cls([], [], [])
        for corpus in corpora:
            rows.features += [features_of(text, cache) for text in corpus.texts]
            rows.targets += corpus.polite()
            rows.weights += corpus.weights()
        return rows

    def add_offers(self, offers: Offers, indices: Sequence[int], cache: dict[str, Features]) -> Rows:
        return Rows(
            self.features + [features_of(offers.texts[i], cache) for i in indices],
            self.targets + [offers.labels[i] for i in indices],
            self.weights + [OFFERS_WEIGHT] * len(indices),
        )


def features_of(text: str, cache: dict[str, Features]) -> Features:
    found = cache.get(text)
    if found is None:
        found = cache[text] = extract(text)[1]
    return found


def platt(
    margins: Sequence[float], labels: Sequence[int], weights: Sequence[float] | None = None
) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=1e6, max_iter=10_000)
    fitted.fit([[m] for m in margins], list(labels), sample_weight=None if weights is None else list(weights))
    return float(fitted.coef_[0][0]), float(fitted.intercept_[0])


@dataclass(frozen=True)
class HeldOut:
    """Every training text's margin from a model that did not train on it, with what it says about tone.

    `acceptable` is the line the probability's 0.5 draws: 0 for a request in the bottom quartile of its
    corpus (rated impolite) and for a tough offer, 1 for every other request (the ordinary middle half and
    the polite top quartile) and for a warm offer. `source` is 0, 1… for the corpora, then the offers.
    """

    margins: list[float]
    acceptable: list[int]
    source: list[int]

    def weights(self, leave_out: set[int] | None = None) -> list[float]:
        """Each source and, within it, each class counts the same; the indices in `leave_out` not at all."""
        cells = Counter(
            (s, a)
            for i, (s, a) in enumerate(zip(self.source, self.acceptable, strict=True))
            if not leave_out or i not in leave_out
        )
        return [
            0.0 if leave_out and i in leave_out else 1.0 / cells[s, a]
            for i, (s, a) in enumerate(zip(self.source, self.acceptable, strict=True))
        ]

    def line(self, leave_out: set[int] | None = None) -> tuple[float, float]:
        """Platt scaling (slope, offset) of "acceptable" on the held-out margins, balanced by `weights()`."""
        weights = self.weights(leave_out)
        total = sum(weights)
        return platt(self.margins, self.acceptable, [w * len(weights) / total for w in weights])


def held_out(
    corpora: Sequence[Corpus], offers: Offers, folds: int, seed: int, cache: dict[str, Features]
) -> HeldOut:
    """k-fold over every request and offer together (stratified by source and target): held-out margins."""
    from sklearn.model_selection import StratifiedKFold

    rows = Rows.of(corpora, cache).add_offers(offers, range(len(offers.texts)), cache)
    source: list[int] = []
    acceptable: list[int] = []
    for number, corpus in enumerate(corpora):
        source += [number] * len(corpus.texts)
        acceptable += [int(label != 0) for label in corpus.quartile_labels()]
    source += [len(corpora)] * len(offers.texts)
    acceptable += offers.labels
    margins = [0.0] * len(rows.targets)
    strata = [f"{s}:{target}" for s, target in zip(source, rows.targets, strict=True)]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_part, test_part in splitter.split(strata, strata):
        fitted = fit(
            [rows.features[i] for i in train_part],
            [rows.targets[i] for i in train_part],
            [rows.weights[i] for i in train_part],
        )
        tested = decision(fitted, [rows.features[i] for i in test_part])
        for index, margin in zip(test_part, tested, strict=True):
            margins[int(index)] = margin
    return HeldOut(margins, acceptable, source)


# ----------------------------------------------------------------------------------------------------------
# Vectorising: the same arithmetic as Model.margin(), one value per feature so scikit-learn can fit it.


@dataclass(frozen=True)
class Vocabulary:
    documents: int
    frequencies: tuple[dict[str, int], ...]  # per block: feature -> how many training texts have it

    @classmethod
    def fit(cls, features: Sequence[Features], min_df: int = MIN_DF) -> Vocabulary:
        counters: list[Counter[str]] = [Counter() for _ in BLOCKS]
        for text_features in features:
            for counter, block in zip(counters, text_features, strict=True):
                counter.update(set(block))
        kept = tuple({f: n for f, n in sorted(counter.items()) if n >= min_df} for counter in counters)
        return cls(len(features), kept)

    def vectorise(self, text_features: Features, scales: Sequence[float]) -> dict[str, float]:
        """`{"<block index>\\t<feature>": value}` for the features known to the vocabulary."""
        values: dict[str, float] = {}
        for index, (frequencies, block, scale) in enumerate(
            zip(self.frequencies, text_features, scales, strict=True)
        ):
            if not scale:
                continue
            known = {
                feature: idf(self.documents, frequencies[feature])
                for feature in set(block)
                if feature in frequencies
            }
            if not known:
                continue
            norm = math.sqrt(sum(value * value for value in known.values()))
            for feature, value in known.items():
                values[f"{index}\t{feature}"] = scale * value / norm
        return values


@dataclass(frozen=True)
class Fitted:
    vocabulary: Vocabulary
    names: list[str]  # column names, "<block index>\t<feature>"
    coefficients: list[float]
    intercept: float
    columns: Any  # the scikit-learn DictVectorizer: feature name -> column
    estimator: Any  # the scikit-learn LogisticRegression


def fit(
    features: Sequence[Features],
    targets: Sequence[int],
    weights: Sequence[float],
    scales: Sequence[float] = SCALES,
    c: float = C,
) -> Fitted:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vocabulary = Vocabulary.fit(features)
    columns = DictVectorizer(sort=True)
    matrix = columns.fit_transform([vocabulary.vectorise(text, scales) for text in features])
    estimator = LogisticRegression(C=c, max_iter=10_000)
    estimator.fit(matrix, list(targets), sample_weight=list(weights))
    estimator.coef_.clip(-CLIP, CLIP, out=estimator.coef_)  # bounded weights, also for decision() below
    return Fitted(
        vocabulary=vocabulary,
        names=list(columns.get_feature_names_out()),
        coefficients=[float(value) for value in estimator.coef_[0]],
        intercept=float(estimator.intercept_[0]),
        columns=columns,
        estimator=estimator,
    )


def decision(fitted: Fitted, features: Sequence[Features], scales: Sequence[float] = SCALES) -> list[float]:
    """The fitted model's linear score for each text, as scikit-learn computes it."""
    matrix = fitted.columns.transform([fitted.vocabulary.vectorise(text, scales) for text in features])
    return [float(value) for value in fitted.estimator.decision_function(matrix)]


# ----------------------------------------------------------------------------------------------------------
# Cross-validation


@dataclass(frozen=True)
class Evaluation:
    name: str
    fold_accuracies: list[float]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.fold_accuracies)

    @property
    def stdev(self) -> float:
        return statistics.pstdev(self.fold_accuracies)


def cross_validate(
    corpus: Corpus,
    features: Sequence[Features] | None = None,
    scales: Sequence[float] = SCALES,
    with_middle: bool = True,
    folds: int = FOLDS,
    seed: int = SEED,
    name: str = "",
) -> Evaluation:
    """Stratified k-fold accuracy on the paper's task; no request is ever scored by a model trained on it."""
    from sklearn.model_selection import StratifiedKFold

    if features is None:
        features = [extract(text)[1] for text in corpus.texts]
    labels = corpus.quartile_labels()
    scored = [index for index, label in enumerate(labels) if label is not None]
    middle = [index for index, label in enumerate(labels) if label is None] if with_middle else []
    targets, weights = corpus.polite(), corpus.weights()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    accuracies = []
    for train_part, test_part in splitter.split(scored, [labels[index] for index in scored]):
        train = [scored[position] for position in train_part] + middle
        test = [scored[position] for position in test_part]
        fitted = fit(
            [features[index] for index in train],
            [targets[index] for index in train],
            [weights[index] for index in train],
            scales,
        )
        margins = decision(fitted, [features[index] for index in test], scales)
        right = sum((margin > 0) == (labels[index] == 1) for margin, index in zip(margins, test, strict=True))
        accuracies.append(right / len(test))
    return Evaluation(name, accuracies)


def evaluate(corpus: Corpus, folds: int = FOLDS, seed: int = SEED) -> list[Evaluation]:
    """The shipped configuration, then without the words block, then without the middle half in training."""
    features = [extract(text)[1] for text in corpus.texts]
    no_words = (*SCALES[:-1], 0.0)
    runs = (
        ("goodterms: strategies + shape + words (shipped)", SCALES, True),
        ("goodterms: strategies + shape only", no_words, True),
        ("goodterms, trained on the quartiles only", SCALES, False),
    )
    return [
        cross_validate(corpus, features, scales, with_middle, folds, seed, name)
        for name, scales, with_middle in runs
    ]


def report(corpus: Corpus, evaluations: Sequence[Evaluation], folds: int = FOLDS, seed: int = SEED) -> str:
    """The `--evaluate` table: our cross-validated accuracy beside the paper's figures."""
    labels = corpus.quartile_labels()
    polite = labels.count(1)
    impolite = labels.count(0)
    low, high = _percentile(corpus.scores, 0.25), _percentile(corpus.scores, 0.75)
    lines = [
        f"Binary task: top vs bottom quartile of Normalized Score (cut points {low:.3f} and {high:.3f}),",
        f"{polite + impolite:,} of {len(corpus.texts):,} requests scored "
        f"({polite:,} polite, {impolite:,} impolite).",
        f"{folds}-fold stratified cross-validation, seed {seed}: mean ± standard deviation over the folds.",
        "The middle half is never scored; the shipped configuration also trains on it (weighted).",
        "",
        f"{'model':<50} {'accuracy':>14}",
        f"{'-' * 50} {'-' * 14}",
    ]
    for evaluation in evaluations:
        figure = f"{evaluation.mean:.1%} ± {evaluation.stdev:.1%}"
        lines.append(f"{evaluation.name:<50} {figure:>14}")
    for name, accuracy in PAPER:
        lines.append(f"{name:<50} {accuracy:>14.1%}")
    lines.append("")
    lines.append("Paper: Danescu-Niculescu-Mizil et al., ACL 2013, Wikipedia requests, in-domain.")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------
# The shipped artifact


def _round(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def calibrate(
    corpus: Corpus, features: Sequence[Features], folds: int = FOLDS, seed: int = SEED
) -> tuple[float, float]:
    """Platt scaling (slope, offset) fit on out-of-fold scores of every request against "above the median"."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    targets, weights = corpus.polite(), corpus.weights()
    margins = [0.0] * len(features)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(features, targets):
        fitted = fit([features[i] for i in train], [targets[i] for i in train], [weights[i] for i in train])
        for index, margin in zip(test, decision(fitted, [features[i] for i in test]), strict=True):
            margins[index] = margin
    platt = LogisticRegression(C=1e6, max_iter=10_000).fit([[margin] for margin in margins], targets)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def train(
    corpus: Corpus | Sequence[Corpus], folds: int = FOLDS, seed: int = SEED, offers: Offers | None = None
) -> dict[str, Any]:
    """The artifact of a model trained on every corpus (and the offers), as a JSON-ready dict.

    With offers, the probability is calibrated on the held-out margins of every text (`held_out()`): 0.5 is
    then the line between what readers rated impolite or writers meant to be tough, and the rest, each corpus
    and the offers counting the same. Without, on the first corpus's out-of-fold margins, against "above the
    median".
    """
    corpora = [corpus] if isinstance(corpus, Corpus) else list(corpus)
    cache: dict[str, Features] = {}
    rows = Rows.of(corpora, cache)
    if offers is not None:
        rows = rows.add_offers(offers, range(len(offers.texts)), cache)
        slope, offset = held_out(corpora, offers, folds, seed, cache).line()
    else:
        first = corpora[0]
        slope, offset = calibrate(first, [features_of(text, cache) for text in first.texts], folds, seed)
    fitted = fit(rows.features, rows.targets, rows.weights)
    weights: list[dict[str, list[float]]] = [{} for _ in BLOCKS]
    for name, coefficient in zip(fitted.names, fitted.coefficients, strict=True):
        index, feature = name.split("\t", 1)
        block = int(index)
        weights[block][feature] = [_round(coefficient), fitted.vocabulary.frequencies[block][feature]]
    return {
        "format": FORMAT,
        "fingerprint": fingerprint(),
        "corpus": [{"rows": len(c.texts), "sha256": c.sha256} for c in corpora]
        + ([{"rows": len(offers.texts), "sha256": offers.sha256}] if offers is not None else []),
        "documents": fitted.vocabulary.documents,
        "intercept": _round(fitted.intercept),
        "calibration": {"slope": _round(slope), "offset": _round(offset)},
        # Each block in columns (names, weights, document frequencies, in the names' order): a JSON list of
        # strings and two of numbers parse in a third of the time of one object of [weight, frequency] pairs,
        # and loading the model is part of the first analyze().
        "blocks": [
            {"name": name, "scale": scale, **_columns(block_weights)}
            for name, scale, block_weights in zip(BLOCKS, SCALES, weights, strict=True)
        ],
    }


def _columns(block_weights: dict[str, list[float]]) -> dict[str, list[Any]]:
    """A block's features, weights and document frequencies as three lists, in the features' order."""
    names = sorted(block_weights)
    return {
        "features": names,
        "weights": [block_weights[name][0] for name in names],
        "frequencies": [int(block_weights[name][1]) for name in names],
    }


def write_artifact(artifact: dict[str, Any], path: Path) -> None:
    """Gzipped JSON, byte for byte the same for the same model: sorted keys, no time in the gzip header."""
    data = json.dumps(artifact, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m goodterms.tone.politeness.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--data", type=Path, nargs="+", required=True, help="the annotated corpora (CSV), one or more"
    )
    parser.add_argument(
        "--offers", type=Path, help="warm and tough offers (CSV): trained on and calibrated on"
    )
    parser.add_argument(
        "--evaluate", action="store_true", help="print cross-validated accuracy; write nothing"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the model")
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    corpora = [load_corpus(path) for path in args.data]
    if args.evaluate:
        print(report(corpora[0], evaluate(corpora[0], args.folds, args.seed), args.folds, args.seed))
        return 0
    offers = load_offers(args.offers) if args.offers else None
    write_artifact(train(corpora, args.folds, args.seed, offers), args.output)
    size = args.output.stat().st_size
    texts = sum(len(c.texts) for c in corpora) + (len(offers.texts) if offers else 0)
    print(f"wrote {args.output} ({size / 1e6:.2f} MB) from {texts:,} texts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
