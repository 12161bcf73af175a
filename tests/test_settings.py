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
        EMAIL_URL="smtp+tls://goodterms:mail-password@mail.example.org:587",
        SITE_URL="https://goodterms.example.org",
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


def _production(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    good = {
        "GOODTERMS_HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "goodterms.example.org",
        "EMAIL_URL": "smtp+tls://mail.example.org:587",
        "SITE_URL": "https://goodterms.example.org",
    }
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {*good, "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full = base | {"GOODTERMS_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "goodterms.settings"}
    full |= {k: v for k, v in (good | env).items() if v != "<unset>"}
    return subprocess.run(
        [sys.executable, "-m", "goodterms.cli", "manage", "check"],
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "fix"),
    [
        ({"SECRET_KEY": "<unset>"}, "SECRET_KEY is not set: set it to 50 random characters"),
        ({"SECRET_KEY": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "SECRET_KEY is too weak"),
        (
            {"EMAIL_URL": "<unset>"},
            "EMAIL_URL is not set, so mail would silently go to files: set EMAIL_URL=",
        ),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS contains '*'"),
        ({"ALLOWED_HOSTS": "<unset>"}, "ALLOWED_HOSTS is not set: name the host"),
        ({"DEBUG": "true"}, "DEBUG=true shows code and settings on error pages: unset DEBUG"),
        ({"SITE_URL": "<unset>"}, "SITE_URL is not an https:// address"),
        ({"SITE_URL": "http://goodterms.example.org"}, "SITE_URL is not an https:// address"),
    ],
)
def test_production_mode_refuses_to_start_unsafely_and_names_the_fix(tmp_path, env, fix):
    result = _production(tmp_path, **env)
    assert result.returncode != 0
    assert "goodterms will not start in production mode" in result.stderr
    assert fix in result.stderr
    assert not (tmp_path / "secret_key").exists(), "no key was made up in production mode"


@pytest.mark.parametrize("email_url", ["file:///tmp/goodterms-mail", "console:"])
def test_production_mode_accepts_an_explicit_choice_of_no_mail_server(tmp_path, email_url):
    result = _production(tmp_path, EMAIL_URL=email_url)
    assert result.returncode == 0, result.stderr


def test_trusted_proxies_are_read_as_networks_and_a_bad_one_is_named():
    networks = gt_settings.trusted_proxies(["127.0.0.1", "10.0.0.0/8", "::1"])
    assert [str(n) for n in networks] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    with pytest.raises(ImproperlyConfigured, match=r"TRUSTED_PROXIES: 'proxy\.local' is not an address"):
        gt_settings.trusted_proxies(["proxy.local"])


# Module globals, so that neither the page's source lines nor its frame variables show them but in a URL.
_PG_SECRET, _MAIL_SECRET = secrets.token_hex(8), secrets.token_hex(8)


def test_the_error_page_masks_url_passwords(rf, settings):
    import sys as sys_

    from django.views.debug import technical_500_response

    settings.DEBUG = True
    settings.EMAIL_URL_SHOWN = f"smtp://mailer:{_MAIL_SECRET}@mail.example.org:587"
    request = rf.get("/")
    database_url = f"postgres://goodterms:{_PG_SECRET}@db.example.org:5432/goodterms"
    try:
        raise RuntimeError(f"could not connect to {database_url}")
    except RuntimeError:
        html = technical_500_response(request, *sys_.exc_info()).content.decode()
    assert _PG_SECRET not in html
    assert _MAIL_SECRET not in html
    assert "postgres://goodterms:[redacted]@db.example.org" in html  # the page is real; the secret is gone
    assert not hasattr(gt_settings, "DATABASE_URL"), "the database URL is not a setting that can be shown"


def test_the_documented_limits_are_the_defaults():
    """SECURITY.md's table of limits: these are the values a server gets when it sets none."""
    assert (
        gt_settings.LOGIN_FAILURES_PER_USERNAME_AND_IP,
        gt_settings.LOGIN_FAILURES_PER_IP,
        gt_settings.LOGIN_FAILURES_PER_ACCOUNT,
        gt_settings.LOGIN_FAILURE_WINDOW_SECONDS,
    ) == (5, 50, 20, 900)
    assert (gt_settings.SESSION_IDLE_SECONDS, gt_settings.SESSION_MAX_SECONDS) == (2 * 3600, 7 * 86400)
    assert gt_settings.SESSION_COOKIE_AGE == gt_settings.SESSION_MAX_SECONDS
    assert (gt_settings.PASSWORD_RESET_MINUTES, gt_settings.PASSWORD_RESETS_PER_HOUR) == (60, 3)
    assert gt_settings.INVITATION_DAYS == 7
    assert gt_settings.SESSION_COOKIE_HTTPONLY and gt_settings.CSRF_COOKIE_HTTPONLY
    assert gt_settings.SESSION_COOKIE_SAMESITE == "Lax"
    # Django's default password hasher (PBKDF2) is kept: goodterms' settings do not replace it.
    assert not hasattr(gt_settings, "PASSWORD_HASHERS")


def test_link_tokens_carry_256_random_bits():
    from goodterms.accounts.models import Invitation
    from goodterms.exits.models import CalendarFeed

    for token in (Invitation.new_token(), CalendarFeed.new_token()):
        assert len(token) == 43  # secrets.token_urlsafe(32): 32 random bytes
    assert len({Invitation.new_token() for _ in range(100)}) == 100
