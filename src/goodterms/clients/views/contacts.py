"""The people at a client: add, edit, remove (forget), and export one person's data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org
from goodterms.accounts.securitylog import security_event
from goodterms.clients import selectors, services
from goodterms.clients.forms import ContactForm
from goodterms.clients.models import Client, Contact
from goodterms.lib.vocabulary import SecurityEvent


@org_required
def contact_create(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    form = ContactForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        contact = services.contact_create(client=client, contact=form.save(commit=False))
        messages.success(request, f"{contact.name} is added to {client.name}.")
        if request.POST.get("another") == "1":
            return redirect("clients:contact-create", pk=client.pk)
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/contact_form.html", {"form": form, "client": client})


@org_required
def contact_edit(request: OrgRequest, pk: int, contact_pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=client)
    form = ContactForm(request.POST or None, instance=contact, org=request.org)
    if request.method == "POST" and form.is_valid():
        services.contact_update(contact=form.save(commit=False))
        messages.success(request, f"{contact.name} is saved.")
        return redirect("clients:detail", pk=client.pk)
    return render(request, "clients/contact_form.html", {"form": form, "client": client, "contact": contact})


@org_required
@require_POST
def contact_delete(request: OrgRequest, pk: int, contact_pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=client)
    services.contact_delete(contact=contact)
    messages.success(
        request,
        f"{contact.name} is removed from {client.name}, and forgotten: their unsent messages are cancelled "
        "and their name and address are gone from messages and plans.",
    )
    return redirect("clients:detail", pk=client.pk)


@org_required
@require_GET
def contact_export(request: OrgRequest, pk: int, contact_pk: int) -> HttpResponse:
    """One person's data as JSON: what to send them when they ask what you keep about them."""
    client = get_for_org(Client, request.org, pk=pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=client)
    data = selectors.contact_data(org=request.org, contact=contact)
    security_event(SecurityEvent.EXPORT, what="contact", contact=contact.pk)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="goodterms-contact-{contact.pk}.json"'
    return response


@org_required
@require_POST
def contact_make_primary(request: OrgRequest, pk: int, contact_pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=client)
    services.contact_make_primary(contact=contact)
    messages.success(
        request,
        f"{contact.name} is the primary contact of {client.name}: the notice and the call go to them "
        "unless you choose someone else.",
    )
    return redirect("clients:detail", pk=client.pk)
