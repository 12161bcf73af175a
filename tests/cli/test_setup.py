"""`goodterms setup`: the owner and organization without the web page, the password never an argument."""

from __future__ import annotations

import pytest

SHELL_USERS = (
    "from goodterms.accounts.models import User; "
    "print(sorted((u.email, u.role, u.organization.name) for u in User.objects.all()))"
)
PASSWORD = "a long and private passphrase"


@pytest.mark.slow
def test_setup_reads_the_password_from_stdin_and_then_the_setup_page_is_gone(goodterms, cli_env):
    result = goodterms(
        "setup",
        "--email",
        "Ada@Example.org",
        "--name",
        "Ada Lovelace",
        "--organization",
        "Lovelace Co",
        stdin=PASSWORD + "\n",
    )
    assert "Lovelace Co is ready; ada@example.org can sign in as its owner" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    users = goodterms("manage", "shell", "-c", SHELL_USERS).stdout
    assert "('ada@example.org', 'owner', 'Lovelace Co')" in users
    check = goodterms(
        "manage",
        "shell",
        "-c",
        "from goodterms.accounts.middleware import setup_done; print(setup_done())",
    )
    assert check.stdout.strip().splitlines()[-1] == "True", (
        "the setup page is gone (it answers 404 once set up)"
    )
    again = goodterms(
        "setup", "--email", "bo@example.org", "--organization", "Other", stdin=PASSWORD, check=False
    )
    assert again.returncode == 1 and "add --another" in again.stderr


@pytest.mark.slow
def test_another_organization_comes_from_the_command_line_only(goodterms, cli_env):
    cli_env["OWNER_PASSWORD"] = PASSWORD
    goodterms(
        "setup", "--email", "ada@example.org", "--organization", "First", "--password-env", "OWNER_PASSWORD"
    )
    goodterms(
        "setup",
        "--another",
        "--email",
        "bo@example.org",
        "--organization",
        "Second",
        "--password-env",
        "OWNER_PASSWORD",
    )
    users = goodterms("manage", "shell", "-c", SHELL_USERS).stdout
    assert (
        "('ada@example.org', 'owner', 'First')" in users and "('bo@example.org', 'owner', 'Second')" in users
    )
    taken = goodterms(
        "setup",
        "--another",
        "--email",
        "ADA@example.org",
        "--organization",
        "Third",
        "--password-env",
        "OWNER_PASSWORD",
        check=False,
    )
    assert taken.returncode == 1 and "already has an account" in taken.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stdin", "env", "message"),
    [
        ("", {}, "no password on standard input"),
        ("short\n", {}, "the password is refused: This password is too short"),
        (
            "",
            {"--password-env": "NOT_SET_ANYWHERE"},
            "no password on the environment variable NOT_SET_ANYWHERE",
        ),
    ],
)
def test_setup_refuses_a_missing_or_weak_password(goodterms, stdin, env, message):
    extra = [item for pair in env.items() for item in pair]
    result = goodterms(
        "setup", "--email", "ada@example.org", "--organization", "X", *extra, stdin=stdin, check=False
    )
    assert result.returncode == 2 and message in result.stderr
