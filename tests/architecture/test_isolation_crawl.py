"""Crawl every URL pattern with two organizations of random data: org A never reaches or sees org B's.

Every URL must be classified below. A new page fails this test until someone decides which kind it
is, so no page can be added without its isolation being checked.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.html import escape

from goodterms.accounts.models import Invitation, Organization, User, UserSession
from goodterms.accounts.services import invitation_create
from goodterms.aftercare.models import Ask, Touchpoint
from goodterms.clients.models import Client, Contact, ImportBatch
from goodterms.exits import services as exit_services
from goodterms.exits.models import Exit, ExitStep, ReadinessItem
from goodterms.messaging.models import Message, MessageTemplate
from goodterms.survey import services as survey_services
from goodterms.survey.models import SurveyInvitation, SurveyResponse


@dataclass
class OrgData:
    org: Organization
    owner: User
    clients: list[Client] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    invitation: Invitation | None = None
    batch: ImportBatch | None = None
    exit: Exit | None = None
    message: Message | None = None
    session: UserSession | None = None
    survey_invitation: SurveyInvitation | None = None
    survey_token: str = ""
    touchpoint: Touchpoint | None = None
    ask: Ask | None = None
    secrets_: set[str] = field(default_factory=set)  # every name and email that must never leak

    @property
    def call(self) -> ExitStep:
        assert self.exit is not None
        step = self.exit.steps.filter(channel__in=["call", "meeting"]).order_by("due", "position").first()
        assert step is not None
        return step

    @property
    def item(self) -> ReadinessItem:
        assert self.exit is not None
        item = self.exit.readiness_items.first()
        assert item is not None
        return item


WORDS = ["maple", "harbor", "cobalt", "juniper", "quartz", "saffron", "tundra", "violet", "ember", "lagoon"]


def _populate(org: Organization, owner: User, rng: random.Random) -> OrgData:
    data = OrgData(org=org, owner=owner)
    for _ in range(rng.randint(3, 6)):
        name = f"{rng.choice(WORDS).title()} {secrets.token_hex(4)}"
        client = Client.objects.create(
            organization=org,
            name=name,
            company=f"{name} Holdings",
            status=rng.choice(Client.Status.values),
            tags=rng.choice(WORDS),
        )
        data.clients.append(client)
        data.secrets_ |= {name, f"{name} Holdings"}
        for _ in range(rng.randint(1, 4)):
            person = f"{rng.choice(WORDS).title()} {secrets.token_hex(3)}"
            email = f"{secrets.token_hex(5)}@{rng.choice(WORDS)}.example"
            data.contacts.append(
                Contact.objects.create(organization=org, client=client, name=person, email=email)
            )
            data.secrets_ |= {person, email}
    invited = f"{secrets.token_hex(5)}@invited.example"
    data.invitation, _ = invitation_create(org=org, invited_by=owner, email=invited)
    data.secrets_.add(invited)
    data.batch = ImportBatch.objects.create(
        organization=org,
        created_by=owner,
        filename="people.csv",
        format="csv",
        text="Client,Email\nSecret Co,secret@x.example\n",
        mapping={"0": "client_name", "1": "email"},
    )
    data.secrets_ |= {owner.name, owner.email}
    today = date.today()  # noqa: DTZ011 (a date for the plan, not a moment)
    invoice = f"Invoice {secrets.token_hex(4)}"
    data.exit = exit_services.exit_start(
        client=data.clients[0],
        user=owner,
        start=exit_services.ExitStart(
            initiated_by="me",
            reason="fit",
            notice_date=today,
            end_date=today + timedelta(days=rng.randint(5, 60)),
            money_affected=False,
            feeling="smooth",
            invoices=(invoice,),
        ),
    )
    data.secrets_.add(invoice)
    ExitStep.objects.filter(pk=data.call.pk).update(at_time=time(14, 30))  # an invitation needs a time
    contact = data.contacts[0]
    subject = f"Goodbye {secrets.token_hex(4)}"
    data.message = Message.objects.create(
        organization=org,
        exit=data.exit,
        contact=contact,
        kind="goodbye",
        to_name=contact.name,
        to_email=contact.email,
        subject=subject,
        body="Thank you for everything.",
    )
    template_subject = f"Template {secrets.token_hex(4)}"
    MessageTemplate.objects.create(
        organization=org, kind="goodbye", subject=template_subject, body="Hello {{ first_name }}"
    )
    data.secrets_ |= {subject, template_subject}
    data.session = UserSession.objects.create(user=owner)
    data.survey_invitation = survey_services.invitation_for(exit_=data.exit, contact=contact)
    data.survey_token = survey_services.link_make(invitation=data.survey_invitation)
    answer = f"Answer {secrets.token_hex(4)}"
    SurveyResponse.objects.create(
        organization=org, invitation=data.survey_invitation, answers={"worked": answer, "recommend": 9}
    )
    data.secrets_.add(answer)
    data.touchpoint = Touchpoint.objects.create(
        organization=org, exit=data.exit, contact=contact, number=1, months=1, due_at=data.exit.created_at
    )
    data.ask = Ask.objects.create(
        organization=org, exit=data.exit, contact=contact, kind="referral", asked_on=today
    )
    return data


# URL name -> the kwargs that point at one of org B's objects.
OBJECT_URLS: dict[str, Callable[[OrgData], dict[str, Any]]] = {
    "clients:detail": lambda b: {"pk": b.clients[0].pk},
    "clients:edit": lambda b: {"pk": b.clients[0].pk},
    "clients:archive": lambda b: {"pk": b.clients[0].pk},
    "clients:contact-create": lambda b: {"pk": b.clients[0].pk},
    "clients:contact-edit": lambda b: {"pk": b.contacts[0].client_id, "contact_pk": b.contacts[0].pk},
    "clients:contact-delete": lambda b: {"pk": b.contacts[0].client_id, "contact_pk": b.contacts[0].pk},
    "clients:contact-make-primary": lambda b: {"pk": b.contacts[0].client_id, "contact_pk": b.contacts[0].pk},
    "clients:contact-export": lambda b: {"pk": b.contacts[0].client_id, "contact_pk": b.contacts[0].pk},
    "clients:import-map": lambda b: {"pk": b.batch.pk},  # type: ignore[union-attr]
    "clients:import-preview": lambda b: {"pk": b.batch.pk},  # type: ignore[union-attr]
    "clients:import-commit": lambda b: {"pk": b.batch.pk},  # type: ignore[union-attr]
    "clients:import-problems": lambda b: {"pk": b.batch.pk},  # type: ignore[union-attr]
    "clients:import-left-out": lambda b: {"pk": b.batch.pk},  # type: ignore[union-attr]
    "clients:import-undo": lambda b: {"pk": b.batch.pk},  # type: ignore[union-attr]
    "revoke-invitation": lambda b: {"pk": b.invitation.pk},  # type: ignore[union-attr]
    "exits:start": lambda b: {"client_pk": b.clients[0].pk},
    "exits:detail": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "exits:edit": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "exits:cancel": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "exits:reopen": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "exits:switch-playbook": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "exits:override": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "exits:item-add": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "exits:item-done": lambda b: {"pk": b.exit.pk, "item_pk": b.item.pk},  # type: ignore[union-attr]
    "exits:item-delete": lambda b: {"pk": b.exit.pk, "item_pk": b.item.pk},  # type: ignore[union-attr]
    "exits:step-done": lambda b: {"pk": b.exit.pk, "step_pk": b.call.pk},  # type: ignore[union-attr]
    "exits:step-undo": lambda b: {"pk": b.exit.pk, "step_pk": b.call.pk},  # type: ignore[union-attr]
    "exits:step-move": lambda b: {"pk": b.exit.pk, "step_pk": b.call.pk},  # type: ignore[union-attr]
    "exits:step-meeting": lambda b: {"pk": b.exit.pk, "step_pk": b.call.pk},  # type: ignore[union-attr]
    "exits:step-invite": lambda b: {"pk": b.exit.pk, "step_pk": b.call.pk},  # type: ignore[union-attr]
    "messaging:board": lambda b: {"exit_pk": b.exit.pk},  # type: ignore[union-attr]
    "messaging:draft-goodbyes": lambda b: {"exit_pk": b.exit.pk},  # type: ignore[union-attr]
    "messaging:draft-step": lambda b: {"exit_pk": b.exit.pk, "step_pk": b.call.pk},  # type: ignore[union-attr]
    "messaging:draft-person": lambda b: {"exit_pk": b.exit.pk, "contact_pk": b.contacts[0].pk},  # type: ignore[union-attr]
    "messaging:edit": lambda b: {"pk": b.message.pk},  # type: ignore[union-attr]
    "messaging:coach": lambda b: {"pk": b.message.pk},  # type: ignore[union-attr]
    "messaging:eml": lambda b: {"pk": b.message.pk},  # type: ignore[union-attr]
    "messaging:mark": lambda b: {"pk": b.message.pk},  # type: ignore[union-attr]
    "remove-member": lambda b: {"pk": b.owner.pk},
    "deactivate-member": lambda b: {"pk": b.owner.pk},
    "reactivate-member": lambda b: {"pk": b.owner.pk},
    "member-role": lambda b: {"pk": b.owner.pk},
    "transfer-ownership": lambda b: {"pk": b.owner.pk},
    "session-revoke": lambda b: {"pk": b.session.pk},  # type: ignore[union-attr]
    "survey:exit-results": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "survey:exit-results-csv": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "survey:link": lambda b: {"pk": b.exit.pk, "contact_pk": b.contacts[0].pk},  # type: ignore[union-attr]
    "survey:withdraw": lambda b: {"pk": b.survey_invitation.pk},  # type: ignore[union-attr]
    "aftercare:exit": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "aftercare:log": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "aftercare:ask": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "aftercare:outcome": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "aftercare:cadence": lambda b: {"pk": b.exit.pk},  # type: ignore[union-attr]
    "aftercare:answer": lambda b: {"pk": b.exit.pk, "ask_pk": b.ask.pk},  # type: ignore[union-attr]
    "aftercare:skip": lambda b: {"pk": b.exit.pk, "touchpoint_pk": b.touchpoint.pk},  # type: ignore[union-attr]
    "aftercare:retry": lambda b: {"pk": b.exit.pk, "touchpoint_pk": b.touchpoint.pk},  # type: ignore[union-attr]
}

# Pages that list, search or export: they must show none of org B's names or emails.
LIST_URLS = {
    "clients:list",
    "clients:create",
    "clients:import",
    "clients:export-csv",
    "clients:export-vcard",
    "members",
    "home",
    "org-settings",
    "exits:list",
    "exits:playbook-suggestion",
    "exits:dashboard",
    "exits:calendar",
    "messaging:templates",
    "sessions",
    "security-log",
    "password-change",
    "survey:questions",
    "survey:results",
    "survey:results-csv",
    "aftercare:home",
    "aftercare:settings",
    "aftercare:insights",
    "aftercare:insights-csv",
}

# Pages of the signed-in organization's own settings, named by a kind rather than an id: org A's page must
# never show org B's version, and org A's changes must never touch it.
KIND_URLS = {"messaging:template-edit": {"kind": "goodbye"}, "messaging:template-reset": {"kind": "goodbye"}}

# Pages that hold no organization's data (or, for the invitation, are reached only with its secret token).
PUBLIC_URLS = {
    "setup",
    "login",
    "logout",
    "healthz",
    "favicon",
    "accept-invitation",
    "invite",
    "exits:feed",
    "password-reset",
    "password-reset-confirm",
    "sessions-revoke-others",  # a POST that ends the signed-in user's own other sessions: no id to guess
    "survey:answer",  # the person's survey page, reached only with the link's secret token
    "survey:opened",  # the page's script saying it was shown: a POST with the token and the page's nonce
}


def _url_names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_is_classified():
    names = set(_url_names(get_resolver().url_patterns))
    unclassified = names - set(OBJECT_URLS) - LIST_URLS - PUBLIC_URLS - set(KIND_URLS)
    assert not unclassified, f"classify these URLs in {__file__}: {sorted(unclassified)}"


@pytest.fixture
def two_orgs(alice, charlie, org_a, org_b) -> tuple[OrgData, OrgData]:
    rng = random.Random()  # noqa: S311 (test data, not secrets)
    return _populate(org_a, alice, rng), _populate(org_b, charlie, rng)


def _snapshot(data: OrgData) -> tuple[Any, ...]:
    return (
        sorted(Client.objects.filter(organization=data.org).values_list("name", "status", "archived_at")),
        sorted(Contact.objects.filter(organization=data.org).values_list("name", "email")),
        Invitation.objects.filter(organization=data.org).count(),
        sorted(User.objects.filter(organization=data.org).values_list("email", "role", "is_active")),
        UserSession.objects.filter(user__organization=data.org).count(),
        list(ImportBatch.objects.filter(organization=data.org).values_list("committed_at", flat=True)),
        sorted(Exit.objects.filter(organization=data.org).values_list("state", "notice_date", "end_date")),
        sorted(
            ExitStep.objects.filter(organization=data.org).values_list("key", "due", "done_on", "moved_to")
        ),
        sorted(ReadinessItem.objects.filter(organization=data.org).values_list("title", "done_at")),
        sorted(Message.objects.filter(organization=data.org).values_list("subject", "body", "state")),
        sorted(MessageTemplate.objects.filter(organization=data.org).values_list("kind", "subject", "body")),
        sorted(
            SurveyInvitation.objects.filter(organization=data.org).values_list(
                "revoked_at", "opened_at", "started_at", "declined_at"
            )
        ),
        SurveyResponse.objects.filter(organization=data.org).count(),
        sorted(Touchpoint.objects.filter(organization=data.org).values_list("state", "due_at")),
        sorted(Ask.objects.filter(organization=data.org).values_list("kind", "answer", "asked_on")),
    )


def test_org_a_gets_404_for_every_object_of_org_b(web_alice, two_orgs):
    _, b = two_orgs
    before = _snapshot(b)
    for name, kwargs_for in OBJECT_URLS.items():
        url = reverse(name, kwargs=kwargs_for(b))
        get = web_alice.get(url)
        assert get.status_code in (404, 405), f"GET {url} ({name}) gave {get.status_code}"
        post = web_alice.post(url, {"name": "Hijacked", "undo": "1", "email": "x@hijack.example"})
        # 405: a GET-only view refuses the method before it looks anything up, so nothing is revealed.
        assert post.status_code in (404, 405), f"POST {url} ({name}) gave {post.status_code}"
    assert _snapshot(b) == before


@pytest.mark.slow
def test_org_a_never_sees_org_b_in_any_list_search_or_export(web_alice, two_orgs):
    a, b = two_orgs
    probes = [""] + sorted(b.secrets_)[:6] + [c.name.split()[0] for c in b.clients[:2]]
    seen_a = False
    for name in sorted(LIST_URLS):
        for probe in probes:
            for extra in ("", "&archived=1", "&status=ended"):
                response = web_alice.get(f"{reverse(name)}?q={probe}{extra}", follow=True)
                assert response.status_code == 200, name
                body = b"".join(response.streaming_content) if response.streaming else response.content
                text = body.decode("utf-8", errors="replace")
                # The page echoes the search itself (in the box and the export links): that is not a leak.
                text = text.replace(f'value="{escape(probe)}"', "").replace(urlencode({"q": probe}), "")
                leaked = [secret for secret in b.secrets_ if secret in text]
                assert not leaked, f"{name}?q={probe}{extra} shows org B's {leaked}"
                seen_a |= any(c.name in text for c in a.clients)
    assert seen_a, "the lists show org A's own clients (the crawl looked at real pages)"


def test_org_a_edits_only_its_own_templates(web_alice, two_orgs):
    _, b = two_orgs
    before = _snapshot(b)
    for name, kwargs in KIND_URLS.items():
        url = reverse(name, kwargs=kwargs)
        page = web_alice.get(url)
        text = page.content.decode() if page.status_code == 200 else ""
        assert not [secret for secret in b.secrets_ if secret in text], name
        web_alice.post(url, {"subject": "Hijacked", "body": "Hello {{ first_name }}, hijacked."})
    assert _snapshot(b) == before


# A SAVEPOINT is a transaction.atomic() inside the test's transaction: on SQLite, where transactions start
# IMMEDIATE, a page that opens one takes the database-wide write lock even when it ends up writing nothing.
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT")


def _writes(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_no_page_writes_on_get_or_head(web_alice, two_orgs):
    """Every page of the crawl, opened (GET and HEAD) on org A's own objects, issues no INSERT, UPDATE or
    DELETE and opens no write transaction: pages render what is stored, and only a POST changes anything."""
    a, _ = two_orgs
    urls = [reverse(name, kwargs=kwargs_for(a)) for name, kwargs_for in OBJECT_URLS.items()]
    urls += [reverse(name) for name in sorted(LIST_URLS)]
    urls += [reverse(name, kwargs=kwargs) for name, kwargs in KIND_URLS.items()]
    urls += [reverse("healthz"), reverse("exits:feed", args=["not-a-token"])]
    # The survey page: a link that works, and one that does not (signed in as Alice, it is her preview).
    urls += [reverse("survey:answer", args=[a.survey_token]), reverse("survey:answer", args=["not-a-token"])]
    assert a.invitation is not None
    opened = 0
    for url in urls:
        for method in (web_alice.get, web_alice.head):
            with CaptureQueriesContext(connection) as captured:
                response = method(url)
            assert response.status_code in (200, 302, 404, 405), f"{url} gave {response.status_code}"
            opened += response.status_code == 200
            assert not _writes(captured), f"{method.__name__.upper()} {url} wrote: {_writes(captured)}"
    # Many pages answered for real (the rest take POST only): the check looked at rendered pages.
    assert opened >= 50, opened
