"""`goodterms serve` alone on a fresh data dir serves every page, and its logs keep no token or password."""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.realservers import free_port, wait_for


def _status(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str] | None = None) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return 0  # not answering yet


@pytest.mark.slow
def test_serve_alone_prepares_itself_and_its_logs_redact_tokens(cli_env, tmp_path: Path):
    password = "a private passphrase " + secrets.token_hex(4)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "goodterms.cli",
            "setup",
            "--email",
            "ada@example.org",
            "--organization",
            "Ada Co",
        ],
        env=cli_env,
        input=password + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "goodterms.cli", "serve", "--port", str(port)],
            env={**cli_env, "WEB_CONCURRENCY": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        wait_for(lambda: _status(opener, f"{base}/healthz") == 200, "goodterms serve", timeout=120)
        assert _status(opener, f"{base}/login/") == 200
        assert _status(opener, f"{base}/static/css/goodterms.css") == 200
        invite, feed, reset = (secrets.token_urlsafe(32) for _ in range(3))
        assert _status(opener, f"{base}/invite/{invite}/") == 404
        assert _status(opener, f"{base}/exits/calendar/{feed}.ics") == 404
        assert _status(opener, f"{base}/password-reset/{reset}/") == 404
        with opener.open(f"{base}/login/", timeout=10) as page:
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
        assert csrf
        wrong = "wrong " + password
        _status(
            opener,
            f"{base}/login/",
            {"csrfmiddlewaretoken": csrf.group(1), "username": "ada@example.org", "password": wrong},
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    output = log.read_text(errors="replace")
    assert "GET /invite/[redacted]/" in output, output[-2000:]
    for secret in (invite, feed, reset, password, wrong):
        assert secret not in output
    assert '"event": "signin.failed"' in output and '"email": "ada@example.org"' in output
