"""Shared fixtures: Alice owns org A, Bob is a member there, Charlie owns org B (Healthchecks' trio)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client as HttpClient

from goodterms.accounts.middleware import forget_setup_state
from goodterms.accounts.models import Organization, SiteSetup, User
from goodterms.clients.models import Client, Contact
from goodterms.lib.vocabulary import PreferredChannel
from goodterms.survey import limits as survey_limits
from tests.realservers import goodterms_run, smtp, smtp_settings

PASSWORD = "correct horse battery staple"

__all__ = ["goodterms_run", "smtp", "smtp_settings"]  # the real servers, for every test that takes them


@pytest.fixture(autouse=True)
def _fresh_setup_state() -> Iterator[None]:
    """The "is goodterms set up?" answer is cached per process; each test starts without the cache."""
    forget_setup_state()
    survey_limits.forget()  # the survey page's per-process request counts (survey/limits.py)
    yield
    forget_setup_state()


@pytest.fixture
def org_a(db: None) -> Organization:
    SiteSetup.objects.get_or_create(id=1)
    return Organization.objects.create(name="Alpha Studio")


@pytest.fixture
def org_b(db: None) -> Organization:
    SiteSetup.objects.get_or_create(id=1)
    return Organization.objects.create(name="Bravo Consulting")


@pytest.fixture
def alice(org_a: Organization) -> User:
    return User.objects.create_user(
        email="alice@alpha.example",
        password=PASSWORD,
        name="Alice Archer",
        organization=org_a,
        role=User.Role.OWNER,
    )


@pytest.fixture
def bob(org_a: Organization) -> User:
    return User.objects.create_user(
        email="bob@alpha.example",
        password=PASSWORD,
        name="Bob Baker",
        organization=org_a,
        role=User.Role.MEMBER,
    )


@pytest.fixture
def charlie(org_b: Organization) -> User:
    return User.objects.create_user(
        email="charlie@bravo.example",
        password=PASSWORD,
        name="Charlie Chen",
        organization=org_b,
        role=User.Role.OWNER,
    )


def _signed_in(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


@pytest.fixture
def visitor() -> HttpClient:
    """An HTTP client nobody signed in to (an HTTP client, not a `Client`, the customer)."""
    return HttpClient()


@pytest.fixture
def web_alice(alice: User) -> HttpClient:
    """An HTTP client signed in as Alice (owner, org A)."""
    return _signed_in(alice)


@pytest.fixture
def web_bob(bob: User) -> HttpClient:
    """An HTTP client signed in as Bob (member, org A)."""
    return _signed_in(bob)


@pytest.fixture
def web_charlie(charlie: User) -> HttpClient:
    """An HTTP client signed in as Charlie (owner, org B)."""
    return _signed_in(charlie)


@pytest.fixture
def acme(org_a: Organization) -> Client:
    """A client of org A with two contacts."""
    acme = Client.objects.create(
        organization=org_a, name="Acme Corp", company="Acme Corporation", tags="retainer"
    )
    Contact.objects.create(
        organization=org_a,
        client=acme,
        name="Dana Diaz",
        email="dana@acme.example",
        is_primary=True,
        role="CTO",
    )
    Contact.objects.create(
        organization=org_a,
        client=acme,
        name="Eli Evans",
        email="eli@acme.example",
        preferred_channel=PreferredChannel.PHONE,
        phone="+44 20 7946 0000",
    )
    return acme
