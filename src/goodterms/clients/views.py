"""Client list, detail, create, edit, archive; contacts on a client."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org
from goodterms.clients import selectors, services
from goodterms.clients.forms import ClientForm, ContactForm
from goodterms.clients.models import Client, Contact
from goodterms.exits import selectors as exit_selectors


def list_filters(request: HttpRequest) -> dict[str, str]:
    """The list's filters from the query string; the export links reuse them."""
    status = request.GET.get("status", "")
    return {
        "q": request.GET.get("q", "")[:200],
        "status": status if status in Client.Status.values else "",
        "tag": request.GET.get("tag", "")[:100].strip().lower(),
        "archived": "1" if request.GET.get("archived") == "1" else "",
    }


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
    }
    return render(request, "clients/client_list.html", context)


@org_required
def client_detail(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    contacts = selectors.client_contacts(client=client)
    context = {
        "client": client,
        "contacts": contacts,
        "running_exit": exit_selectors.running_exit_for(org=request.org, client_id=client.pk),
    }
    return render(request, "clients/client_detail.html", context)


@org_required
def client_create(request: OrgRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.organization = request.org
        client = form.save()
        messages.success(request, f"{client.name} is added. Now add the people you work with there.")
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form})


@org_required
def client_edit(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    form = ClientForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{client.name} is saved.")
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@org_required
@require_POST
def client_archive(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    if request.POST.get("undo") == "1":
        services.client_unarchive(client=client)
        messages.success(request, f"{client.name} is back in your client list.")
    else:
        services.client_archive(client=client)
        messages.success(request, f"{client.name} is archived. Find it under “Archived” in the client list.")
    return redirect("clients:detail", pk=client.pk)


@org_required
def contact_create(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form.instance
        contact.organization = request.org
        contact.client = client
        services.contact_save(contact=contact)
        messages.success(request, f"{contact.name} is added to {client.name}.")
        if request.POST.get("another") == "1":
            return redirect("clients:contact-create", pk=client.pk)
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/contact_form.html", {"form": form, "client": client})


@org_required
def contact_edit(request: OrgRequest, pk: int, contact_pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=client)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.contact_save(contact=form.instance)
        messages.success(request, f"{contact.name} is saved.")
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/contact_form.html", {"form": form, "client": client, "contact": contact})


@org_required
@require_POST
def contact_delete(request: OrgRequest, pk: int, contact_pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=client)
    contact.delete()
    messages.success(request, f"{contact.name} is removed from {client.name}.")
    return redirect("clients:detail", pk=client.pk)
