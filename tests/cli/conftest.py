"""The CLI is tested through its real entry point, in subprocesses, on a data dir of the test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' own (tests/browser/conftest.py): never a CLI's.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["GOODTERMS_DATA_DIR"] = str(tmp_path / "data")
    env["DJANGO_SETTINGS_MODULE"] = "goodterms.settings"  # a real process: the real settings
    return env


@pytest.fixture
def goodterms(cli_env: dict[str, str]) -> Run:
    def run(*args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "goodterms.cli", *args],
            env=cli_env,
            capture_output=True,
            text=True,
            check=False,
            input=stdin,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"goodterms {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result

    return run
