import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def test_help_lists_the_commands(goodterms):
    out = goodterms("--help").stdout
    for command in ("run", "serve", "worker", "backup", "restore", "manage"):
        assert command in out


def test_unknown_command_is_a_usage_error(goodterms):
    result = goodterms("frobnicate", check=False)
    assert result.returncode == 2 and "invalid choice" in result.stderr


@pytest.mark.slow
def test_django_commands_are_reachable(goodterms):
    assert "migrate" in goodterms("manage", "help").stdout
    goodterms("manage", "migrate", "--noinput")
    assert "[X] 0001_initial" in goodterms("manage", "showmigrations", "clients").stdout


@pytest.mark.slow
def test_worker_once_runs_its_jobs_and_exits(goodterms):
    goodterms("manage", "migrate", "--noinput")
    result = goodterms("worker", "--once")
    assert "started with" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_run_sets_up_and_serves_the_setup_page_with_a_worker_then_stops_cleanly(cli_env):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "goodterms.cli", "run", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        body = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/setup/", timeout=5) as response:
                    body = response.read().decode()
                    break
            # Not up yet (refused), or busy starting on a loaded machine (a read that timed out): try again.
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        assert "Welcome to goodterms" in body
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/css/goodterms.css", timeout=5
        ) as response:
            assert response.status == 200 and b"goodterms" in response.read()
        children = subprocess.run(
            ["pgrep", "-s", str(os.getpgid(proc.pid)), "-f", "goodterms"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert len(children) >= 3  # run, the worker, and gunicorn (goodterms.wsgi)
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, output
    assert "worker: started" in output
