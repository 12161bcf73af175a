"""The readiness checklist of an exit: what must be finished before the goodbyes, and the override."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.exits import services
from goodterms.exits.forms import ItemForm, OverrideForm
from goodterms.exits.views.base import exit_for, exit_url, item_for


@org_required
@require_POST
def item_add(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    form = ItemForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(str(e) for e in errs)}"
            for name, errs in form.errors.items()
        )
        messages.error(request, f"Nothing was added. {problems}")
        return redirect(exit_url(pk, "checklist"))
    try:
        services.item_add(
            exit_=exit_, user=request.user, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"]
        )
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    return redirect(exit_url(pk, "checklist"))


@org_required
@require_POST
def item_done(request: OrgRequest, pk: int, item_pk: int) -> HttpResponse:
    item = item_for(request, pk, item_pk)
    done = request.POST.get("done", "1") == "1"
    try:
        services.item_set_done(item=item, user=request.user, done=done)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{item.title}” is marked {item.done_label if done else 'open'}.")
    return redirect(exit_url(pk, "checklist"))


@org_required
@require_POST
def item_delete(request: OrgRequest, pk: int, item_pk: int) -> HttpResponse:
    item = item_for(request, pk, item_pk)
    try:
        services.item_delete(item=item, user=request.user)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    return redirect(exit_url(pk, "checklist"))


@org_required
@require_POST
def readiness_override(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    form = OverrideForm(request.POST)
    try:
        services.readiness_override(
            exit_=exit_, user=request.user, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.warning(request, "The goodbyes are unlocked. Your reason is on the exit's record.")
    return redirect(exit_url(pk, "checklist"))
