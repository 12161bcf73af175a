"""Configuration comes from the environment; production mode passes Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from goodterms import settings as gt_settings


def _check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "GOODTERMS_HTTPS", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env |= {"GOODTERMS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "goodterms.settings"} | env
    return subprocess.run(
        [sys.executable, "-m", "goodterms.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_mode_passes_check_deploy_without_warnings(tmp_path):
    result = _check(
        tmp_path,
        GOODTERMS_HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="goodterms.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_local_mode_is_not_mistaken_for_production(tmp_path):
    result = _check(tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr or "W008" in result.stdout + result.stderr


def test_the_local_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = gt_settings.local_secret_key(tmp_path)
    assert len(first) >= 50
    assert gt_settings.local_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe': use true or false"),
        ("LOGIN_FAILURES_PER_IP", "lots", "LOGIN_FAILURES_PER_IP='lots': a whole number is needed"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        if name == "DEBUG":
            gt_settings.env_bool(name)
        else:
            gt_settings.env_int(name, 1)


def test_email_url_forms(tmp_path):
    smtp = gt_settings.email_settings("smtp+tls://me%40x.example:p%40ss@mail.example:2525", tmp_path)
    assert smtp["EMAIL_HOST"] == "mail.example" and smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "me@x.example" and smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] and not smtp["EMAIL_USE_SSL"]
    assert gt_settings.email_settings("", tmp_path)["EMAIL_FILE_PATH"] == str(tmp_path / "outbox")
    assert gt_settings.email_settings("console:", tmp_path)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        gt_settings.email_settings("carrier-pigeon://coop", tmp_path)


def test_database_url_selects_the_database():
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"
