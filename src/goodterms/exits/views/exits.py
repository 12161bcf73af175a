"""Exits: the list, starting one from a client, its page with the dated plan, changing it, cancelling it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodterms import playbook
from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.clients.models import Client
from goodterms.exits import selectors, services
from goodterms.exits.forms import (
    FACT_FIELDS,
    CancelForm,
    ExitFactsForm,
    ExitStartForm,
    ItemForm,
    OverrideForm,
    StepDoneForm,
    SwitchPlaybookForm,
)
from goodterms.exits.models import Exit
from goodterms.exits.views.base import exit_for

SEARCH_MAX = 200


@org_required
def exit_list(request: OrgRequest) -> HttpResponse:
    tab = request.GET.get("state", selectors.ListTab.RUNNING)
    if tab not in selectors.ListTab.values:
        tab = selectors.ListTab.RUNNING
    q = request.GET.get("q", "").strip()[:SEARCH_MAX]
    today = timezone.localdate()
    exits = selectors.exit_list(org=request.org, tab=tab, q=q, today=today)
    page = Paginator(exits, selectors.EXITS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    scores = selectors.exit_scores(exits=shown)
    titles = selectors.playbook_titles()
    rows = [
        {
            "exit": exit_,
            "playbook": titles.get(exit_.playbook_id, exit_.playbook_id),
            "score": scores[exit_.pk],
        }
        for exit_ in shown
    ]
    counts = selectors.exit_tab_counts(org=request.org, q=q, today=today)
    context = {
        "page": page,
        "rows": rows,
        "state": tab,
        "state_label": selectors.ListTab(tab).label,
        "tabs": [(value, label, counts[value]) for value, label in selectors.ListTab.choices],
        "q": q,
        "search_query": urlencode({"q": q}) if q else "",
        "query": urlencode({"state": tab, **({"q": q} if q else {})}),
        "any_exit": any(counts.values()) or bool(q),
    }
    return render(request, "exits/exit_list.html", context)


@org_required
def exit_start(request: OrgRequest, client_pk: int) -> HttpResponse:
    client = get_for_org(Client, request.org, pk=client_pk)
    running = selectors.running_exit_for(org=request.org, client_id=client.pk)
    if running is not None:
        messages.info(request, f"An exit is already running for {client.name}.")
        return redirect("exits:detail", pk=running.pk)
    form = ExitStartForm(request.POST or None, initial={"notice_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = services.ExitStart(
            initiated_by=data["initiated_by"],
            reason=data["reason"],
            notice_date=data["notice_date"],
            end_date=data["end_date"],
            money_affected=data["money_affected"],
            feeling=data["feeling"],
            playbook_id=data["playbook"],
            deliverables=data["deliverables"],
            invoices=data["invoices"],
            handover_to=data["handover_to"],
        )
        try:
            exit_ = services.exit_start(client=client, user=request.user, start=start)
        except services.ExitNotPossible as refused:
            messages.error(request, refused.message)
            return redirect("clients:detail", pk=client.pk)
        messages.success(request, f"The exit plan for {client.name} is ready. Start with the first step.")
        return redirect("exits:detail", pk=exit_.pk)
    context = {
        "form": form,
        "client": client,
        "policy": request.org.notice_policy(),
        "playbooks": playbook.default_playbooks().values(),
    }
    return render(request, "exits/exit_start.html", context)


@org_required
def exit_detail(request: OrgRequest, pk: int) -> HttpResponse:
    """The plan as stored. It is made again by the writes that change its facts, never by this page."""
    exit_ = get_for_org(
        scoped(Exit, request.org).select_related("client", "owner", "organization"), request.org, pk=pk
    )
    today = timezone.localdate()
    page = selectors.exit_page(exit_=exit_)
    titles = {step.key: step.title for step in page.steps}
    attendees = selectors.meeting_attendees(exit_=exit_, steps=page.steps)
    rows = [
        {
            "step": step,
            "status": step.status(today),
            "waits_for": selectors.waits_for(step=step, titles=titles),
            "attendees": attendees.get(step.pk),
        }
        for step in page.steps
    ]
    context = {
        "exit": exit_,
        "page": page,
        "rows": rows,
        "today": today,
        "warnings": page.plan.warnings if page.plan else (),
        "required_notice": page.plan.required_notice_days if page.plan else None,
        "playbook": playbook.default_playbooks().get(exit_.playbook_id),
        "done_form": StepDoneForm(initial={"done_on": today}),
        "item_form": ItemForm(),
        "override_form": OverrideForm(auto_id="override_%s"),
        "switch_form": SwitchPlaybookForm(auto_id="switch_%s", initial={"playbook": exit_.playbook_id}),
        "suggestion": selectors.playbook_suggested_for(exit_=exit_),
        "readiness_passed": selectors.readiness_passed(exit_=exit_, items=page.items),
    }
    return render(request, "exits/exit_detail.html", context)


@org_required
def exit_edit(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    if not exit_.is_running:
        messages.error(request, "This exit is cancelled; nothing on it can change.")
        return redirect("exits:detail", pk=exit_.pk)
    before = {name: getattr(exit_, name) for name in FACT_FIELDS}
    form = ExitFactsForm(request.POST or None, instance=exit_)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in before}
        for name, value in before.items():  # the form wrote into the instance; the service compares
            setattr(exit_, name, value)
        services.exit_update(
            exit_=exit_, user=request.user, changes=changes, playbook_id=form.cleaned_data["playbook"]
        )
        messages.success(request, "The plan is updated. Steps already done stay done.")
        return redirect("exits:detail", pk=exit_.pk)
    return render(request, "exits/exit_edit.html", {"form": form, "exit": exit_})


@org_required
def exit_cancel(request: OrgRequest, pk: int) -> HttpResponse:
    """GET: what cancelling does, and the confirmation (it works without JavaScript); POST: cancel."""
    exit_ = exit_for(request, pk)
    if not exit_.is_running:
        messages.info(request, "This exit is already cancelled.")
        return redirect("exits:detail", pk=exit_.pk)
    form = CancelForm(request.POST or None, auto_id="cancel_%s")
    if request.method == "POST":
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            services.exit_cancel(exit_=exit_, user=request.user, reason=reason)
        except services.ExitNotPossible as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                f"The exit is cancelled. {exit_.client.name} is an active client again. "
                "Changed your mind? “Reopen the exit” below undoes it.",
            )
        return redirect("exits:detail", pk=exit_.pk)
    return render(request, "exits/exit_cancel.html", {"exit": exit_, "form": form})


@org_required
@require_POST
def exit_reopen(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    try:
        services.exit_reopen(exit_=exit_, user=request.user)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"The exit from {exit_.client.name} runs again, planned from today.")
    return redirect("exits:detail", pk=exit_.pk)
