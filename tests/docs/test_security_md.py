"""SECURITY.md states only what the tests prove: every test it names exists, and it names tests throughout."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"`((?:[a-z_]+/)*test_[a-z_]+\.py)(?:::(test_[a-z0-9_]+))?`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_test_security_md_names_exists():
    text = (ROOT / "SECURITY.md").read_text()
    references = REFERENCE.findall(text)
    assert len(references) > 50, "SECURITY.md backs its statements with tests"
    missing = []
    for file, name in references:
        path = ROOT / "tests" / file
        if not path.is_file():
            missing.append(file)
        elif name and name not in _tests_in(path):
            missing.append(f"{file}::{name}")
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"


def test_the_check_finds_a_missing_test():
    assert REFERENCE.fullmatch("`accounts/test_login.py::test_nothing_like_this`") is not None
    path = ROOT / "tests" / "accounts" / "test_login.py"
    assert "test_nothing_like_this" not in _tests_in(path)
