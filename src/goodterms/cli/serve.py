"""`goodterms run` and `goodterms serve`: the process layout.

`run` prepares the database and static files once, then starts two children — the web server and the
worker — and supervises them: a signal to `run` is passed on to both, and if either dies the other is
stopped too, so the pair never runs half-alive. Later workers join the list in `CHILDREN`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def _port(port: int | None) -> int:
    return port if port is not None else int(os.environ.get("PORT") or 8000)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "goodterms.cli", "manage", *args], check=True)  # noqa: S603


def serve(port: int | None) -> int:
    """Become gunicorn: production-grade, threads for slow clients, WhiteNoise for static files."""
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
        "--graceful-timeout",
        "20",
    ]
    os.execv(sys.executable, argv)  # noqa: S606 (our own interpreter, fixed arguments)


def run(port: int | None) -> int:
    port = _port(port)
    _manage("migrate", "--noinput")
    _manage("collectstatic", "--noinput", "--verbosity", "0")
    data_dir = os.environ.get("GOODTERMS_DATA_DIR") or os.path.join(os.getcwd(), "var")
    print(f"goodterms: data in {data_dir}; serving http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    children = {
        "web": subprocess.Popen([sys.executable, "-m", "goodterms.cli", "serve", "--port", str(port)]),  # noqa: S603
        "worker": subprocess.Popen([sys.executable, "-m", "goodterms.cli", "worker"]),
    }
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                if not stopping:
                    print(
                        f"goodterms: the {name} process stopped (exit {code}); stopping the rest", flush=True
                    )
                    stop(signal.SIGTERM, None)
                for other in children.values():
                    try:
                        other.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        other.kill()
                return 0 if stopping and code in (0, -signal.SIGTERM) else (code or 1)
        time.sleep(0.5)
