"""Archiving a client asks first (and says what happens to its running exit), restoring undoes it; the
client pages' empty states link to what to do next."""

from __future__ import annotations

from django.urls import reverse

from goodterms.clients.models import Client
from goodterms.exits.models import Exit
from tests.exits.conftest import start_for


def test_archive_asks_first_and_a_get_writes_nothing(web_alice, acme):
    detail = web_alice.get(reverse("clients:detail", args=[acme.pk])).content.decode()
    assert f'href="{reverse("clients:archive", args=[acme.pk])}">Archive…</a>' in detail
    page = web_alice.get(reverse("clients:archive", args=[acme.pk])).content.decode()
    assert "Archive Acme Corp?" in page and "you can restore it at any time" in page
    assert "Its exit goes on" not in page  # no exit: nothing to say about one
    acme.refresh_from_db()
    assert acme.archived_at is None
    done = web_alice.post(reverse("clients:archive", args=[acme.pk]), follow=True).content.decode()
    assert Client.objects.get(pk=acme.pk).archived_at is not None
    assert "“Restore” below undoes it" in done and ">Restore</button>" in done
    web_alice.post(reverse("clients:archive", args=[acme.pk]), {"undo": "1"})
    assert Client.objects.get(pk=acme.pk).archived_at is None


def test_archiving_a_client_with_a_running_exit_says_the_exit_goes_on(web_alice, acme, alice):
    exit_ = start_for(acme, alice)
    page = web_alice.get(reverse("clients:archive", args=[acme.pk])).content.decode()
    assert "Its exit goes on" in page and "Its steps stay on This week" in page
    web_alice.post(reverse("clients:archive", args=[acme.pk]))
    exit_.refresh_from_db()
    assert exit_.state == Exit.State.RUNNING  # what the page said: archiving does not stop the exit


def test_an_archived_clients_archive_page_leads_back_to_it(web_alice, acme):
    web_alice.post(reverse("clients:archive", args=[acme.pk]))
    response = web_alice.get(reverse("clients:archive", args=[acme.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("clients:detail", args=[acme.pk])


def test_empty_client_list_links_to_adding_and_importing(web_alice, org_a):
    page = web_alice.get(reverse("clients:list")).content.decode()
    assert (
        f'No clients yet — <a href="{reverse("clients:create")}">add one</a> or '
        f'<a href="{reverse("clients:import")}">import a file</a>'
    ) in page
    filtered = web_alice.get(reverse("clients:list"), {"q": "zzz"}).content.decode()
    assert f'<a href="{reverse("clients:list")}">Clear the filters</a>' in filtered


def test_a_client_without_contacts_links_to_adding_one(web_alice, org_a):
    client = Client.objects.create(organization=org_a, name="Lonely Ltd")
    page = web_alice.get(reverse("clients:detail", args=[client.pk])).content.decode()
    assert f'No contacts yet — <a href="{reverse("clients:contact-create", args=[client.pk])}">' in page


def test_it_checks_ownership(web_charlie, acme):
    url = reverse("clients:archive", args=[acme.pk])
    assert web_charlie.get(url).status_code == 404
    assert web_charlie.post(url).status_code == 404
    acme.refresh_from_db()
    assert acme.archived_at is None
