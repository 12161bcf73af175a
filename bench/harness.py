"""What every benchmark shares: the production server on a free port, a signed-in HTTP visitor, page
timings, a throwaway PostgreSQL database, nearest-rank percentiles and the report's wording.

Benchmarks print; they assert nothing (the machines have two shared, noisy cores). Each `make bench-*`
target is one bench_*.py file that builds on this one.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgres://postgres@{PG_HOST}:{PG_PORT}/postgres"
USER_EMAIL = "bench@alpha.example"
USER_PASSWORD = "bench-only password 7391"  # noqa: S105 (a throwaway user in a throwaway database)
WEB_CONCURRENCY = "2"


# --- the server and an HTTP client with a cookie jar -----------------------------------------------------


class BenchError(Exception):
    pass


def server_env(data_dir: Path) -> dict[str, str]:
    """The environment a benchmark's server and children run in: this one without the settings that would
    point them at the user's own database or production mode, with a data dir of their own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DEBUG", "GOODTERMS_HTTPS", "ALLOWED_HOSTS", "HOST", "PORT"}
    }
    env.update(
        {
            "GOODTERMS_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "goodterms.settings",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Browser:
    """One signed-in visitor on a keep-alive connection, carrying its cookies like a browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                self.close()  # the server closed an idle keep-alive connection: reconnect once
                if attempt == 2:
                    raise
                continue
            for raw in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(raw).items():
                    self.cookies[key] = morsel.value
            if response.will_close:
                self.close()
            return response.status, response.getheader("Location", ""), data
        raise AssertionError("unreachable")

    def sign_in(self) -> None:
        status, _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise BenchError(f"GET /login/ answered {status} without a CSRF token")
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": USER_EMAIL,
            "password": USER_PASSWORD,
        }
        status, location, _ = self.request("POST", "/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"signing in failed: POST /login/ answered {status} {location}")


@contextlib.contextmanager
def running_server(env: dict[str, str], log_path: Path) -> Iterator[int]:
    """`goodterms serve` (gunicorn) on a free port of 127.0.0.1; stopped, by its own pid, on the way out."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "goodterms.cli", "serve", "--port", str(port)],
            env={**env, "WEB_CONCURRENCY": WEB_CONCURRENCY, "HOST": "127.0.0.1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise BenchError(
                    f"the server exited ({process.returncode}); log:\n{log_path.read_text()[-3000:]}"
                )
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    break
                connection.close()
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(
                    f"the server did not answer /healthz in 60 s; log:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        yield port
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # gunicorn's master stops its own workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- measuring -----------------------------------------------------------------------------------------


@dataclass
class Timing:
    p50: float
    p95: float
    mean: float
    shown: str  # the client count the list page prints ("19,048"), or "" for a detail page


RESULT_COUNT = re.compile(rb'class="result-count"[^>]*>\s*([\d,]+) client')


def time_page(browser: Browser, paths: list[str], requests: int, warmup: int) -> Timing:
    for i in range(warmup):
        browser.request("GET", paths[i % len(paths)])
    samples: list[float] = []
    shown = ""
    for i in range(requests):
        path = paths[i % len(paths)]
        started = time.perf_counter()
        status, location, body = browser.request("GET", path)
        samples.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise BenchError(f"GET {path} answered {status} {location}")
        if i == 0 and (match := RESULT_COUNT.search(body)):
            shown = f"{int(match.group(1).decode().replace(',', '')):,}"
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return Timing(p50=statistics.median(samples), p95=cuts[94], mean=statistics.fmean(samples), shown=shown)


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "goodterms.cli", "manage", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"goodterms manage {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


# --- PostgreSQL ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database(name: str) -> Iterator[str | None]:
    """A fresh database for the bench, dropped afterwards; None (and a note) when PostgreSQL is not there.

    Each bench names its own, so that two benches never drop each other's database.
    """
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=2).close()
    except OSError:
        print(f"PostgreSQL: nothing listens on {PG_HOST}:{PG_PORT}; skipping it", flush=True)
        yield None
        return
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        print(f"PostgreSQL: cannot connect as postgres ({error}); skipping it", flush=True)
        yield None
        return
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        admin.execute(drop)  # a leftover from an interrupted run
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        admin.execute(drop)
        admin.close()


# --- numbers and words for the reports ------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.1f}"


def nearest_rank(sorted_values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of values already sorted (fraction 0.99 for p99)."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def machine_line(name: str) -> str:
    """The report's first line: which bench, when, and on what, so figures are read with the noise in mind."""
    return (
        f"{name}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}: {os.cpu_count()} cores "
        f"({platform.machine()}), shared with other work, so expect noise; Python {platform.python_version()}"
    )
