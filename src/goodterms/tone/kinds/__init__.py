"""The closed set of rule kinds: a rule file names one of these, and adding a kind is a code change."""

from __future__ import annotations

from goodterms.tone.kinds.base import Hit, Rule, RuleKind
from goodterms.tone.kinds.capitals import Capitals
from goodterms.tone.kinds.existence import Existence
from goodterms.tone.kinds.occurrence import Occurrence
from goodterms.tone.kinds.readability import Readability
from goodterms.tone.kinds.required_when import RequiredWhen
from goodterms.tone.kinds.substitution import Substitution

REGISTRY: dict[str, type[RuleKind]] = {
    kind.name: kind for kind in (Existence, Substitution, Occurrence, Readability, RequiredWhen, Capitals)
}

__all__ = ["REGISTRY", "Hit", "Rule", "RuleKind"]
