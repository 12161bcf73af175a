"""Exit pages: start one from a client, follow its dated plan, tick steps off, keep the checklist, cancel."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
    StepMoveForm,
)
from goodterms.exits.models import Exit, ExitStep, ReadinessItem


@org_required
def dashboard(request: OrgRequest) -> HttpResponse:
    """What is due this week across every running exit, overdue first."""
    today = timezone.localdate()
    until = selectors.week_end(today)
    overdue = selectors.due_steps(org=request.org, since=None, until=today - timedelta(days=1))
    this_week = selectors.due_steps(org=request.org, since=today, until=until)
    context = {
        "today": today,
        "until": until,
        # Each list is capped so that a backlog never buries the week, and says how many more there are.
        "overdue": list(overdue[: selectors.DASHBOARD_ROWS]),
        "overdue_count": overdue.count(),
        "this_week": list(this_week[: selectors.DASHBOARD_ROWS]),
        "this_week_count": this_week.count(),
        "shown": selectors.DASHBOARD_ROWS,
        "running": selectors.running_count(org=request.org),
        # Links are built from one prefix instead of a reverse() per row: the page can list hundreds of steps.
        "exits_prefix": reverse("exits:list"),
    }
    return render(request, "exits/dashboard.html", context)


@org_required
def exit_list(request: OrgRequest) -> HttpResponse:
    state = request.GET.get("state", Exit.State.RUNNING)
    if state not in Exit.State.values:
        state = Exit.State.RUNNING
    exits = selectors.exit_list(org=request.org, state=state)
    page = Paginator(exits, selectors.EXITS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "exits": page.object_list, "state": state, "states": Exit.State.choices}
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
        "policy": services.policy_for(request.org),
        "playbooks": playbook.default_playbooks().values(),
    }
    return render(request, "exits/exit_start.html", context)


@org_required
def exit_detail(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = get_for_org(
        scoped(Exit, request.org).select_related("client", "owner", "organization"), request.org, pk=pk
    )
    today = timezone.localdate()
    # Planned again on each view: a contact added on the client's page, a new notice rule or holiday country
    # shows here at once. Only differences are written, and done steps are never lost.
    plan = services.replan(exit_, today=today) if exit_.is_running else None
    page = selectors.exit_page(exit_=exit_)
    titles = {step.key: step.title for step in page.steps}
    rows = [
        {
            "step": step,
            "status": step.status(today),
            "waits_for": [
                "the checklist" if gate == "readiness" else titles.get(gate, gate)
                for gate in step.closed_gates
            ],
        }
        for step in page.steps
    ]
    context = {
        "exit": exit_,
        "page": page,
        "rows": rows,
        "today": today,
        "warnings": plan.warnings if plan else (),
        "required_notice": plan.required_notice_days if plan else None,
        "playbook": playbook.default_playbooks().get(exit_.playbook_id),
        "done_form": StepDoneForm(initial={"done_on": today}),
        "item_form": ItemForm(),
        "override_form": OverrideForm(auto_id="override_%s"),
        "cancel_form": CancelForm(auto_id="cancel_%s"),
        "readiness_passed": services.readiness_passed(exit_, page.items),
    }
    return render(request, "exits/exit_detail.html", context)


@org_required
def exit_edit(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = get_for_org(scoped(Exit, request.org).select_related("client"), request.org, pk=pk)
    if not exit_.is_running:
        messages.error(request, "This exit is cancelled; nothing on it can change.")
        return redirect("exits:detail", pk=exit_.pk)
    before = {name: getattr(exit_, name) for name in FACT_FIELDS}
    form = ExitFactsForm(request.POST or None, instance=exit_)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in before}
        for (
            name,
            value,
        ) in before.items():  # the form wrote into the instance; the service compares and records
            setattr(exit_, name, value)
        services.exit_update(exit_=exit_, user=request.user, changes=changes)
        messages.success(request, "The plan is updated. Steps already done stay done.")
        return redirect("exits:detail", pk=exit_.pk)
    return render(request, "exits/exit_edit.html", {"form": form, "exit": exit_})


@org_required
@require_POST
def exit_cancel(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = get_for_org(scoped(Exit, request.org).select_related("client"), request.org, pk=pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.exit_cancel(exit_=exit_, user=request.user, reason=reason)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"The exit is cancelled. {exit_.client.name} is an active client again.")
    return redirect("exits:detail", pk=exit_.pk)


def _step(request: OrgRequest, pk: int, step_pk: int) -> ExitStep:
    exit_ = get_for_org(scoped(Exit, request.org).select_related("client"), request.org, pk=pk)
    step = get_for_org(ExitStep, request.org, pk=step_pk, exit=exit_)
    step.exit = exit_
    return step


@org_required
@require_POST
def step_done(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    step = _step(request, pk, step_pk)
    form = StepDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"“{step.title}” was not ticked off: give the day it was done.")
        return redirect("exits:detail", pk=pk)
    try:
        services.step_done(
            step=step, user=request.user, note=form.cleaned_data["note"], on=form.cleaned_data["done_on"]
        )
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Done: {step.title}.")
    return redirect(f"{exit_url(pk)}#step-{step.pk}")


@org_required
@require_POST
def step_undo(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    step = _step(request, pk, step_pk)
    try:
        services.step_undo(step=step, user=request.user)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{step.title}” is marked as not done.")
    return redirect(f"{exit_url(pk)}#step-{step.pk}")


@org_required
def step_move(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    step = _step(request, pk, step_pk)
    form = StepMoveForm(request.POST or None, initial={"due": step.due, "at_time": step.at_time})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.step_move(
                step=step, user=request.user, to=form.cleaned_data["due"], at=form.cleaned_data["at_time"]
            )
        except services.ExitNotPossible as refused:
            messages.error(request, refused.message)
        else:
            for warning in plan.warnings:
                if warning.code == "moved-before-gate":
                    messages.warning(request, warning.message)
            messages.success(request, f"“{step.title}” is rescheduled.")
        return redirect(f"{exit_url(pk)}#step-{step.pk}")
    return render(request, "exits/step_move.html", {"form": form, "step": step, "exit": step.exit})


def exit_url(pk: int) -> str:
    return reverse("exits:detail", kwargs={"pk": pk})


def _item(request: OrgRequest, pk: int, item_pk: int) -> ReadinessItem:
    exit_ = get_for_org(scoped(Exit, request.org).select_related("client"), request.org, pk=pk)
    item = get_for_org(ReadinessItem, request.org, pk=item_pk, exit=exit_)
    item.exit = exit_
    return item


@org_required
@require_POST
def item_add(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = get_for_org(Exit, request.org, pk=pk)
    form = ItemForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(str(e) for e in errs)}"
            for name, errs in form.errors.items()
        )
        messages.error(request, f"Nothing was added. {problems}")
        return redirect(f"{exit_url(pk)}#checklist")
    try:
        services.item_add(
            exit_=exit_, user=request.user, kind=form.cleaned_data["kind"], title=form.cleaned_data["title"]
        )
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    return redirect(f"{exit_url(pk)}#checklist")


@org_required
@require_POST
def item_done(request: OrgRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    done = request.POST.get("done", "1") == "1"
    try:
        services.item_set_done(item=item, user=request.user, done=done)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{item.title}” is marked {item.done_label if done else 'open'}.")
    return redirect(f"{exit_url(pk)}#checklist")


@org_required
@require_POST
def item_delete(request: OrgRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    try:
        services.item_delete(item=item, user=request.user)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    return redirect(f"{exit_url(pk)}#checklist")


@org_required
@require_POST
def readiness_override(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = get_for_org(Exit, request.org, pk=pk)
    form = OverrideForm(request.POST)
    try:
        services.readiness_override(
            exit_=exit_, user=request.user, reason=form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.warning(request, "The goodbyes are unlocked. Your reason is on the exit's record.")
    return redirect(f"{exit_url(pk)}#checklist")
