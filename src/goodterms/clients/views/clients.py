"""Client list, detail, create, edit, archive."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org
from goodterms.clients import selectors, services
from goodterms.clients.forms import ClientForm
from goodterms.clients.models import Client
from goodterms.clients.views.base import list_filters


@org_required
def client_list(request: OrgRequest) -> HttpResponse:
    filters = list_filters(request)
    clients = selectors.client_list(
        org=request.org,
        q=filters["q"],
        status=filters["status"],
        tag=filters["tag"],
        archived=bool(filters["archived"]),
    )
    page = Paginator(clients, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    primaries = selectors.primary_contacts(org=request.org, clients=list(page.object_list))
    rows = [(client, primaries.get(client.pk)) for client in page.object_list]
    query = urlencode({key: value for key, value in filters.items() if value})
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "statuses": Client.Status.choices,
        "query": query,
        "prefix_search": 0 < len(filters["q"].strip()) <= selectors.PREFIX_SEARCH_UP_TO,
    }
    return render(request, "clients/client_list.html", context)


@org_required
def client_detail(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    context = {"client": client, "contacts": selectors.client_contacts(client=client)}
    return render(request, "clients/client_detail.html", context)


@org_required
def client_create(request: OrgRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = services.client_create(org=request.org, client=form.save(commit=False))
        messages.success(request, f"{client.name} is added. Now add the people you work with there.")
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form})


@org_required
def client_edit(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        services.client_update(client=form.save(commit=False))
        messages.success(request, f"{client.name} is saved.")
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@org_required
def client_archive(request: OrgRequest, pk: int) -> HttpResponse:
    """GET: what archiving does, and the confirmation (it works without JavaScript); POST: archive, or with
    `undo` restore (the undo the archived client's page offers)."""
    client = get_for_org(Client, request.org, pk=pk)
    if request.method != "POST":
        if client.archived_at is not None:
            return redirect("clients:detail", pk=client.pk)
        return render(request, "clients/client_archive.html", {"client": client})
    if request.POST.get("undo") == "1":
        services.client_unarchive(client=client)
        messages.success(request, f"{client.name} is back in your client list.")
    else:
        services.client_archive(client=client)
        messages.success(
            request,
            f"{client.name} is archived. Find it under “Archived” in the client list; "
            "“Restore” below undoes it.",
        )
    return redirect("clients:detail", pk=client.pk)
