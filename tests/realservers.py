"""Real servers for the tests that need them: an SMTP server (tests/messaging/smtp_sink.py) in a process
of its own, `goodterms run` on the test's own database, and the test database as a DATABASE_URL.

Subprocesses see what a test wrote only if it is committed: tests using these take `transactional_db`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

SINK = Path(__file__).resolve().parent / "messaging" / "smtp_sink.py"
WAIT_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class SmtpServer:
    """The sink in its own process; stop() and start() again on the same port, as a mail server restarts."""

    def __init__(self, out: Path, *, smtputf8: bool = False) -> None:
        self.port = free_port()
        self.out = out
        self.smtputf8 = smtputf8
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(SINK), "--port", str(self.port), "--out", str(self.out)]
            + (["--smtputf8"] if self.smtputf8 else []),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        ready = self.process.stdout.readline()
        assert ready.strip() == "ready", f"the SMTP sink did not start (exit {self.process.poll()})"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def deliveries(self) -> list[dict[str, Any]]:
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path / "deliveries.jsonl")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings: Any, smtp: SmtpServer) -> SmtpServer:
    """This process sends over SMTP to the sink, as EMAIL_URL=smtp://127.0.0.1:PORT would configure it."""
    settings.EMAIL_BACKEND = "goodterms.messaging.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smtp.port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return smtp


def test_database_url() -> str:
    """The database this test runs on (pytest-django's test database), as a DATABASE_URL for subprocesses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db.get("USER") or "", safe="")
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


test_database_url.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def pids_of(parent: int, needle: str) -> list[int]:
    """The processes whose parent is `parent` and whose command line contains `needle`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and needle in cmdline:
            found.append(int(entry.name))
    return found


class GoodtermsRun:
    """`goodterms run` (the web server and the worker, supervised) in its own process group."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "goodterms.cli", "run"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: self.health() == 200, "goodterms run to answer /healthz", timeout=timeout)
        wait_for(lambda: self.worker_pid() is not None, "the worker process", timeout=timeout)

    def health(self, timeout: float = 5.0) -> int | None:
        """/healthz's status, or None when nothing answers."""
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=timeout) as response:
                return int(response.status)
        except (urllib.error.URLError, OSError):
            return None

    def worker_pid(self) -> int | None:
        assert self.process is not None
        pids = pids_of(self.process.pid, "goodterms.cli worker")
        return pids[0] if pids else None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything of the group still there
        return int(self.process.returncode)


def app_env(tmp_path: Path, *, email_url: str) -> dict[str, str]:
    """The environment of goodterms processes on the test database, mailing to `email_url`."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="goodterms.settings",
        DATABASE_URL=test_database_url(),
        GOODTERMS_DATA_DIR=str(tmp_path / "data"),
        SECRET_KEY="a-test-only-key-for-the-real-processes-0123456789",
        EMAIL_URL=email_url,
        LOG_LEVEL="INFO",
        WEB_CONCURRENCY="1",
    )
    return env


@pytest.fixture
def goodterms_run(transactional_db: None, tmp_path: Path, smtp: SmtpServer) -> Iterator[GoodtermsRun]:
    """`goodterms run` on this test's database, sending to the SMTP sink; stopped (and killed) at the end."""
    running = GoodtermsRun(
        app_env(tmp_path, email_url=f"smtp://127.0.0.1:{smtp.port}?timeout=5"), tmp_path / "run.log"
    )
    yield running
    running.stop()
