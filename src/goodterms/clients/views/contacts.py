"""The people at a client: add, edit, remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org
from goodterms.clients import services
from goodterms.clients.forms import ContactForm
from goodterms.clients.models import Client, Contact


@org_required
def contact_create(request: OrgRequest, pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=pk)
    form = ContactForm(request.POST or None)
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
    form = ContactForm(request.POST or None, instance=contact)
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
    messages.success(request, f"{contact.name} is removed from {client.name}.")
    return redirect("clients:detail", pk=client.pk)
