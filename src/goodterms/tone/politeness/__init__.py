"""The politeness model of the tone coach: how likely a reader finds a text polite, and why.

    >>> from goodterms.tone.politeness import score
    >>> result = score("Thanks so much! Could you take a look when you have a moment?")
    >>> result.probability > 0.5, [strategy.name for strategy in result.strategies][:2]
    (True, ['gratitude', 'indirect-request'])

A linear model over politeness strategies, function-word n-grams and words, trained on the Stanford Politeness
Corpus (`make train-tone`; `make eval-tone` prints its cross-validated accuracy). Pure Python at run time: the
weights ship in `model.json.gz` and are loaded on the first call.
"""

from __future__ import annotations

from goodterms.tone.politeness.features import (
    STRATEGY_DESCRIPTIONS,
    STRATEGY_NAMES,
    STRATEGY_POLITE,
    find_strategies,
)
from goodterms.tone.politeness.model import Politeness, score

__all__ = [
    "STRATEGY_DESCRIPTIONS",
    "STRATEGY_NAMES",
    "STRATEGY_POLITE",
    "Politeness",
    "find_strategies",
    "score",
]
