"""An exit for Acme (org A) with Dana asked for feedback: her invitation and the token of her link."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client as HttpClient

from goodterms.exits.models import Exit
from goodterms.survey import links, services
from goodterms.survey.models import SurveyInvitation
from tests.exits.conftest import acme_exit, start_for

__all__ = ["acme_exit", "start_for"]

NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@dataclass
class Asked:
    invitation: SurveyInvitation
    token: str

    @property
    def url(self) -> str:
        return f"/survey/s/{self.token}/"


def ask(exit_: Exit, contact_name: str = "Dana Diaz") -> Asked:
    contact = exit_.client.contacts.get(name=contact_name)
    invitation = services.invitation_for(exit_=exit_, contact=contact)
    token = services.link_make(invitation=invitation)
    invitation.refresh_from_db()
    return Asked(invitation=invitation, token=token)


@pytest.fixture
def asked(acme_exit: Exit) -> Asked:
    return ask(acme_exit)


def nonce_of(html: str) -> str:
    found = NONCE.search(html)
    assert found, "the page carries its nonce"
    return found.group(1)


def open_page(http: HttpClient, asked: Asked) -> str:
    page = http.get(asked.url)
    assert page.status_code == 200
    return nonce_of(page.content.decode())


def nonce_for(token: str) -> str:
    return links.issue_nonce(token)
