"""`goodterms run` and `goodterms serve`: the process layout.

`run` prepares the database and static files once, then starts two children, the web server and the
worker, and supervises them: a signal to `run` is passed on to both; a child that dies is started again
(after RESTART_FIRST seconds, doubling up to RESTART_CAP while it keeps dying), and the other child goes on,
so the web server never goes down because the worker did.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from goodterms.cli.gunicorn_logging import ACCESS_LOG_FORMAT


def _port(port: int | None) -> int:
    return port if port is not None else int(os.environ.get("PORT") or 8000)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "goodterms.cli", "manage", *args], check=True)  # noqa: S603


def prepare() -> None:
    """Apply the migrations and collect the static files: `run` and `serve` each work on a fresh data dir."""
    _manage("migrate", "--noinput")
    _manage("collectstatic", "--noinput", "--verbosity", "0")


def serve(port: int | None, *, prepared: bool = False) -> int:
    """Become gunicorn: production-grade, threads for slow clients, WhiteNoise for static files.

    On its own (a systemd unit, a container) it prepares the database and static files first."""
    if not prepared:
        prepare()
    host = os.environ.get("HOST", "127.0.0.1")
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "goodterms.wsgi:application",
        "--bind",
        f"{host}:{_port(port)}",
        "--workers",
        workers,
        "--threads",
        "4",
        "--worker-class",
        "gthread",
        "--access-logfile",
        "-",
        "--logger-class",
        "goodterms.cli.gunicorn_logging.RedactingLogger",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--graceful-timeout",
        "20",
    ]
    os.execv(sys.executable, argv)  # noqa: S606 (our own interpreter, fixed arguments)


RESTART_FIRST = 1.0
RESTART_CAP = 60.0
STABLE_SECONDS = 60.0  # a child that ran this long before dying starts again after RESTART_FIRST


class _Child:
    """One supervised process, with its own restart delay."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        self.argv = argv
        self.delay = RESTART_FIRST
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv)  # noqa: S603 (our own interpreter, fixed arguments)
        self.started_at = time.monotonic()
        self.restart_at = None

    def check(self) -> None:
        """Start the child again if it died, once its delay has passed."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                print(f"goodterms: starting the {self.name} process again", flush=True)
                self.start()
            return
        assert self.process is not None
        code = self.process.poll()
        if code is None:
            return
        if now - self.started_at >= STABLE_SECONDS:
            self.delay = RESTART_FIRST
        print(
            f"goodterms: the {self.name} process stopped (exit {code}); starting it again in "
            f"{self.delay:.0f} s, the rest goes on",
            flush=True,
        )
        self.restart_at = now + self.delay
        self.delay = min(RESTART_CAP, self.delay * 2)

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run(port: int | None) -> int:
    port = _port(port)
    prepare()
    data_dir = os.environ.get("GOODTERMS_DATA_DIR") or os.path.join(os.getcwd(), "var")
    print(f"goodterms: data in {data_dir}; serving http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    children = [
        _Child("web", [sys.executable, "-m", "goodterms.cli", "serve", "--port", str(port), "--prepared"]),
        _Child("worker", [sys.executable, "-m", "goodterms.cli", "worker"]),
    ]
    for child in children:
        child.start()
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        for child in children:
            child.check()
        time.sleep(0.5)
    for child in children:
        child.terminate()
    for child in children:
        child.wait()
    return 0
