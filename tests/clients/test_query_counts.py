"""The client list and detail pages run the same number of queries for 5 clients as for 50 (no N+1).

Counts only, never timings: `make bench-web` measures speed. Each page is requested once before counting,
so per-process caches (the "is goodterms set up?" check) do not count against the first measurement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from goodterms.accounts.models import Organization
from goodterms.clients.models import Client, Contact

LIST_PAGES = {
    "plain": "/clients/",
    # "fairweather" is only in the contacts' names and emails: the search finds the clients through them.
    "search": "/clients/?q=fairweather",
    "status": "/clients/?status=ending",
    "tag": "/clients/?tag=retainer",
}


def add_clients(org: Organization, count: int, contacts_each: int, start: int = 0) -> list[Client]:
    """Clients that every filter above matches, each with `contacts_each` contacts (the first one primary)."""
    clients = Client.objects.bulk_create(
        Client(
            organization=org,
            name=f"Client {n:03}",
            company=f"Company {n:03}",
            status=Client.Status.ENDING,
            tags="design, retainer",
        )
        for n in range(start, start + count)
    )
    add_contacts(org, clients, contacts_each)
    return clients


def add_contacts(org: Organization, clients: list[Client], count: int, *, primary: bool = True) -> None:
    Contact.objects.bulk_create(
        Contact(
            organization=org,
            client=client,
            name=f"Person {i} Fairweather",
            is_primary=primary and i == 0,
            email=f"person{i}.{client.pk}.{count}@fairweather.example",
        )
        for client in clients
        for i in range(count)
    )


def count_queries(http: HttpClient, path: str) -> tuple[int, str]:
    http.get(path)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.fixture
def other_org_data(org_b: Organization) -> None:
    """The same kind of rows in another organization, so that every query has something to scope out."""
    add_clients(org_b, 20, 3, start=500)


@pytest.mark.usefixtures("other_org_data")
@pytest.mark.parametrize("path", LIST_PAGES.values(), ids=LIST_PAGES.keys())
def test_the_list_runs_as_many_queries_for_50_clients_as_for_5(
    web_alice: HttpClient, org_a: Organization, path: str, django_assert_num_queries: Callable[..., Any]
) -> None:
    few = add_clients(org_a, 5, 1)
    queries_for_5, page = count_queries(web_alice, path)
    assert "5 clients" in page

    many = few + add_clients(org_a, 45, 8, start=5)
    add_contacts(org_a, few, 7, primary=False)  # every client on the page now has eight contacts
    web_alice.get(path)
    with django_assert_num_queries(queries_for_5):
        page = web_alice.get(path).content.decode()
    assert "50 clients" in page
    assert all(f"/clients/{client.pk}/" in page for client in many)


@pytest.mark.usefixtures("other_org_data")
def test_the_detail_page_runs_as_many_queries_for_60_contacts_as_for_1(
    web_alice: HttpClient, org_a: Organization, django_assert_num_queries: Callable[..., Any]
) -> None:
    small, large = add_clients(org_a, 2, 1)
    queries_for_1, _ = count_queries(web_alice, f"/clients/{small.pk}/")

    add_contacts(org_a, [large], 59, primary=False)
    web_alice.get(f"/clients/{large.pk}/")
    with django_assert_num_queries(queries_for_1):
        page = web_alice.get(f"/clients/{large.pk}/").content.decode()
    assert page.count("@fairweather.example</a>") == 60


@pytest.mark.usefixtures("other_org_data")
def test_the_list_counts_each_clients_contacts(web_alice: HttpClient, org_a: Organization) -> None:
    """The contact count comes from a subquery per row now; it still counts that client's contacts only."""
    none, one, eight = add_clients(org_a, 3, 0)
    add_contacts(org_a, [one], 1)
    add_contacts(org_a, [eight], 8)
    page = web_alice.get("/clients/").content.decode()
    cells = {
        client.pk: page.split(f'href="/clients/{client.pk}/"', 1)[1].split("</tr>", 1)[0]
        for client in (none, one, eight)
    }
    assert "<td>0</td>" in cells[none.pk]
    assert "<td>1</td>" in cells[one.pk]
    assert "<td>8</td>" in cells[eight.pk]
