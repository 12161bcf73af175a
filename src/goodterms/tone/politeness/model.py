"""The shipped politeness model: a linear model over `features.extract()`, scored in pure Python.

The weights live in `model.json.gz` inside this package (written by `train.py`). They are read on first use
and then kept, so importing this module costs nothing and scoring needs neither numpy nor scikit-learn.

Each block's table maps a feature to one complex number, `weight·idf + idf²·1j`. Summing a text's entries
gives, in one C-level pass, both the dot product with the weights (the real part) and the squared L2 norm of
the text's tf-idf vector (the imaginary part), so a block contributes `real / sqrt(imag)`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Any

from goodterms.tone.politeness.features import (
    BLOCKS,
    STRATEGY_DESCRIPTIONS,
    Features,
    Scan,
    extract,
    scan,
    words_with_spans,
)
from goodterms.tone.report import Reason, Strategy

ARTIFACT = "model.json.gz"
_HERE = Path(__file__)
FORMAT = 2  # 2: each block's features, weights and frequencies as three lists
MIN_WORDS = 3  # fewer words than this say too little to score: the probability is None
REASONS = 5  # how many reasons a score gives at most


@dataclass(frozen=True)
class Politeness:
    """How likely a reader finds a text polite (0 to 1), and the politeness strategies it uses."""

    probability: float | None  # None: too few words to score
    strategies: tuple[Strategy, ...]
    reasons: tuple[Reason, ...] = ()


def idf(documents: int, document_frequency: int) -> float:
    """Smoothed inverse document frequency, the same in training and scoring."""
    return math.log((1 + documents) / (1 + document_frequency)) + 1.0


@dataclass(frozen=True)
class Model:
    tables: tuple[dict[str, complex], ...]  # one per block of BLOCKS
    intercept: float
    slope: float  # Platt scaling: probability = logistic(slope * margin + offset)
    offset: float
    fingerprint: str  # features.fingerprint() of the code the model was trained with

    def sums(self, features: Features) -> list[tuple[set[str], complex]]:
        """For each block: the features of the text that the model knows, and the sum of their entries."""
        found = []
        for table, block in zip(self.tables, features, strict=True):
            # keys() & block: one C-level pass over the block, keeping each known feature once (binary tf).
            known = table.keys() & block
            found.append((known, sum(map(table.__getitem__, known), 0j)))
        return found

    def margin(self, features: Features, sums: list[tuple[set[str], complex]] | None = None) -> float:
        """The linear score: above 0 reads as polite. `sums` is `self.sums(features)`, when known already."""
        total = self.intercept
        for _known, found in sums if sums is not None else self.sums(features):
            if found.imag > 0.0:
                total += found.real / math.sqrt(found.imag)
        return total

    def probability(self, margin: float) -> float:
        z = self.slope * margin + self.offset
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        exp_z = math.exp(z)
        return exp_z / (1.0 + exp_z)

    def score(self, text: str) -> Politeness:
        return self._scored(text, *extract(text))

    def _scored(self, text: str, strategies: Sequence[Strategy], features: Features) -> Politeness:
        if self._too_short(text, strategies, features):
            return Politeness(None, tuple(strategies))
        return Politeness(self.probability(self.margin(features)), tuple(strategies))

    @staticmethod
    def _too_short(text: str, strategies: Sequence[Strategy], features: Features) -> bool:
        return len(features[2]) + len(strategies) < MIN_WORDS and len(text.split()) < MIN_WORDS

    def reasons(
        self,
        text: str,
        strategies: Sequence[Strategy],
        features: Features,
        sums: list[tuple[set[str], complex]] | None = None,
        scanned: Scan | None = None,
    ) -> tuple[Reason, ...]:
        """The strategies and words that moved the score most, each with its span (strongest first).

        `sums` is `self.sums(features)` and `scanned` is `scan(text)`, when the caller has them already.
        """
        if sums is None:
            sums = self.sums(features)
        # (strength, start, order, name, end, weight, says): sorted as tuples, and Reason objects made for
        # the few kept only. `order` keeps the sort stable, as a key of (strength, start) alone would.
        found: list[tuple[float, int, int, str, int, float, str]] = []
        for index in (0, 2):  # the strategies and the words: the blocks whose features have a place
            table = self.tables[index]
            known, total = sums[index]
            if not known:
                continue
            norm = math.sqrt(total.imag)  # the L2 norm of the block's tf-idf vector, as in margin()
            weights = {feature: table[feature].real / norm for feature in known}
            if index == 0:
                places = [(s.name, s.start, s.end) for s in strategies]
            else:
                # Only the strongest words can be among the reasons (with the strategies found already): the
                # spans of those alone are looked for. Ties with the weakest of them are kept, as the sort
                # would then order them by where they are.
                strengths = sorted([*(-abs(weight) for weight in weights.values()), *(f[0] for f in found)])
                weakest = strengths[min(REASONS, len(strengths)) - 1]
                strongest = {word for word, weight in weights.items() if -abs(weight) <= weakest}
                places = words_with_spans(text, scanned, among=strongest)
            seen: set[str] = set()
            for name, start, end in places:
                if name in weights and name not in seen:
                    seen.add(name)
                    weight = weights[name]
                    says = STRATEGY_DESCRIPTIONS.get(name, "") if index == 0 else ""
                    found.append((-abs(weight), start, len(found), name, end, weight, says))
        found.sort()
        return tuple(
            Reason(name, start, end, weight, says)
            for _strength, start, _order, name, end, weight, says in found[:REASONS]
            if abs(weight) >= 0.01
        )

    def explain(self, text: str) -> Politeness:
        """The score with its reasons."""
        scanned = scan(text)  # once, for the score and its reasons
        strategies, features = extract(text, scanned)
        if self._too_short(text, strategies, features):
            return Politeness(None, tuple(strategies))
        sums = self.sums(features)
        return Politeness(
            self.probability(self.margin(features, sums)),
            tuple(strategies),
            self.reasons(text, strategies, features, sums, scanned),
        )


def from_artifact(artifact: dict[str, Any]) -> Model:
    """A model from the parsed contents of a `model.json.gz` file."""
    if artifact.get("format") != FORMAT:
        raise ValueError(f"unknown politeness model format {artifact.get('format')!r}, expected {FORMAT}")
    documents = int(artifact["documents"])
    blocks = artifact["blocks"]
    if [block["name"] for block in blocks] != list(BLOCKS):
        raise ValueError(f"the model's blocks {[block['name'] for block in blocks]} are not {list(BLOCKS)}")
    tables = []
    for block in blocks:
        names, weights, frequencies = block["features"], block["weights"], block["frequencies"]
        if not len(names) == len(weights) == len(frequencies):
            raise ValueError(f"the model's block {block['name']!r} has columns of different lengths")
        # Built with map() over the columns, in C: a loop over the 22,000 features was a third of the load.
        idfs = {frequency: idf(documents, frequency) for frequency in set(frequencies)}  # few distinct ones
        values = list(map(idfs.__getitem__, frequencies))
        reals = map(mul, map(mul, weights, repeat(float(block["scale"]))), values)
        tables.append(dict(zip(names, map(complex, reals, map(mul, values, values)), strict=True)))
    calibration = artifact["calibration"]
    return Model(
        tables=tuple(tables),
        intercept=float(artifact["intercept"]),
        slope=float(calibration["slope"]),
        offset=float(calibration["offset"]),
        fingerprint=str(artifact["fingerprint"]),
    )


def load(path: Path | None = None) -> Model:
    """The model in `path`, or the one shipped inside this package."""
    import gzip  # here, not at the top: importing the package stays cheap until a text is scored
    import json

    # Beside this module, read as a file: the package is installed on disk (pip, the wheel, -e), and
    # importlib.resources cost the first analyze() 13 ms of imports for nothing.
    data = (path if path is not None else _HERE.with_name(ARTIFACT)).read_bytes()
    return from_artifact(json.loads(gzip.decompress(data)))


@cache
def shipped() -> Model:
    """The shipped model, loaded on first use and kept."""
    return load()


def score(text: str) -> Politeness:
    """How likely a reader finds `text` polite, and the politeness strategies in it (offsets into `text`)."""
    return shipped().score(text)


def explain(text: str) -> Politeness:
    """As score(), with the reasons: what pulled the score down or up most, with spans."""
    return shipped().explain(text)
