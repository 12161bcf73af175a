"""Everything goodterms writes into its data dir is its owner's only: the dir 0700, the files 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from goodterms import settings as gt_settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _goodterms(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goodterms.cli", *args], env=env, capture_output=True, text=True, check=True
    )


@pytest.mark.slow
def test_the_data_dir_database_wal_backups_and_mail_are_owner_only(tmp_path):
    data = tmp_path / "data"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env |= {"GOODTERMS_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "goodterms.settings"}
    old_umask = os.umask(0o022)  # what a shell usually has: goodterms must not depend on a careful one
    try:
        _check_modes(env, data)
    finally:
        os.umask(old_umask)


def _check_modes(env: dict[str, str], data: Path) -> None:
    _goodterms(env, "manage", "migrate", "--noinput", "--verbosity", "0")
    # A process that holds the database open keeps the WAL and shared-memory files in place.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1]); "
            "c.execute('PRAGMA journal_mode=WAL'); c.execute('CREATE TABLE IF NOT EXISTS t(x)'); "
            "c.execute('INSERT INTO t VALUES (1)'); c.commit(); print('ok', flush=True); time.sleep(30)",
            str(data / "goodterms.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        _goodterms(env, "backup")
        _goodterms(env, "manage", "sendtestemail", "someone@example.org")
        files = {
            "the database": data / "goodterms.sqlite3",
            "its WAL": data / "goodterms.sqlite3-wal",
            "the secret key": data / "secret_key",
            "a backup": next((data / "backups").glob("*.sqlite3")),
            "an outbox .eml file": next((data / "outbox").glob("*")),
        }
        for what, path in files.items():
            assert path.exists(), what
            assert _mode(path) & 0o077 == 0, f"{what} ({path.name}) is {oct(_mode(path))}"
        for folder in (data, data / "backups", data / "outbox"):
            assert _mode(folder) == 0o700, f"{folder} is {oct(_mode(folder))}"
    finally:
        holder.kill()
        holder.wait()


def test_an_existing_world_readable_data_dir_is_tightened(tmp_path):
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    gt_settings.private_data_dir(loose)
    assert _mode(loose) == 0o700
