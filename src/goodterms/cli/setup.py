"""`goodterms setup`: the owner and the organization, made from the command line (servers, containers).

The password is read from standard input or from the environment variable that --password-env names,
never from an argument (arguments show in `ps` and in the shell's history), and it must pass the same
checks as on the setup page.
"""

from __future__ import annotations

import os
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from goodterms.accounts import services
from goodterms.accounts.middleware import forget_setup_state
from goodterms.accounts.models import User
from goodterms.lib import checks
from goodterms.lib.refused import Refused


def _password(password_env: str | None) -> str | None:
    if password_env:
        return os.environ.get(password_env) or None
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Password for the owner: ") or None
    line = sys.stdin.readline()
    return line.rstrip("\r\n") or None


def main(*, email: str, name: str, organization: str, password_env: str | None, another: bool) -> int:
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    problem = checks.line_break(organization) or checks.line_break(name)
    if problem is not None or not organization.strip():
        print("goodterms setup: the organization and the name are one line of text each", file=sys.stderr)
        return 2
    try:
        email = checks.normalize_email(email).lower()
    except checks.InvalidValue as error:
        print(f"goodterms setup: {email!r}: {error.message}", file=sys.stderr)
        return 2
    name = name.strip() or email.split("@", 1)[0]
    password = _password(password_env)
    if password is None:
        where = f"the environment variable {password_env}" if password_env else "standard input"
        print(f"goodterms setup: no password on {where}", file=sys.stderr)
        return 2
    try:
        password_validation.validate_password(password, User(email=email, name=name))
    except ValidationError as error:
        print("goodterms setup: the password is refused: " + " ".join(error.messages), file=sys.stderr)
        return 2
    try:
        if another:
            user = services.organization_create(
                organization_name=organization.strip(), name=name, email=email, password=password
            )
        else:
            user = services.setup_create_owner(
                organization_name=organization.strip(), name=name, email=email, password=password
            )
    except services.AlreadySetUp:
        print(
            "goodterms setup: goodterms is set up already; add --another to create one more organization",
            file=sys.stderr,
        )
        return 1
    except Refused as refused:
        print(f"goodterms setup: {refused.message}", file=sys.stderr)
        return 1
    forget_setup_state()
    print(f"goodterms setup: {user.organization.name} is ready; {user.email} can sign in as its owner")
    return 0
