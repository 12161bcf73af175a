"""docs/tone-rules.md describes every rule kind and category, and its generated rule list is current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from goodterms.tone import CATEGORIES, default_rules
from goodterms.tone.kinds import REGISTRY

DOC = Path(__file__).resolve().parents[2] / "docs" / "tone-rules.md"


def test_every_rule_kind_is_documented():
    text = DOC.read_text()
    missing = [kind for kind in REGISTRY if f"### `{kind}`" not in text]
    assert not missing, f"describe these rule kinds in docs/tone-rules.md: {missing}"


def test_every_category_and_rule_is_listed():
    text = DOC.read_text()
    missing = [category for category in CATEGORIES if f"### `{category}`" not in text]
    missing += [rule.id for rule in default_rules() if f"`{rule.id}`" not in text]
    assert not missing, f"docs/tone-rules.md lacks {missing}: run `cog -r docs/tone-rules.md`"


def test_the_generated_rule_list_is_current():
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(DOC)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, (
        f"docs/tone-rules.md is stale: run `cog -r docs/tone-rules.md`\n{result.stdout}"
    )
