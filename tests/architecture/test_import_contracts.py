"""The import contracts in pyproject.toml (run by `make lint`) hold today, and fail when they should: a Django
import slipped into a core module, or an app importing one above it, each break the build.

Each probe runs lint-imports on a copy of the package with one line added, found first on the path.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import goodterms

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(package_parent: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(package_parent or ROOT / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def _probe(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    copy = tmp_path / "src"
    shutil.copytree(
        Path(goodterms.__file__).parent, copy / "goodterms", ignore=shutil.ignore_patterns("*.pyc")
    )
    target = copy / "goodterms" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n\ndef _probe() -> None:\n    {line}\n")
    return _lint(copy)


@pytest.mark.slow
def test_the_contracts_hold_today():
    result = _lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("KEPT") == 3


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("tone/text.py", "import django", "goodterms.tone.text -> django"),
        ("playbook/engine.py", "from django.db import models", "goodterms.playbook.engine -> django"),
        (
            "clients/importing/csvfile.py",
            "import django.forms",
            "goodterms.clients.importing.csvfile -> django",
        ),
        ("clients/selectors.py", "from goodterms.exits import selectors", "goodterms.clients.selectors ->"),
        ("accounts/models.py", "import goodterms.messaging.models", "goodterms.accounts.models ->"),
        ("exits/selectors.py", "from goodterms.exits import services", "goodterms.exits.selectors ->"),
    ],
    ids=[
        "django-in-tone",
        "django-in-playbook",
        "django-in-a-parser",
        "clients-up",
        "accounts-up",
        "selectors-up",
    ],
)
def test_a_probe_breaks_the_build(tmp_path, module, line, broken):
    result = _probe(tmp_path, module, line)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and broken in result.stdout, result.stdout
