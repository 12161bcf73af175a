"""One step of an exit's plan: tick it off (with a note), undo that, or reschedule it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.exits import services
from goodterms.exits.forms import StepDoneForm, StepMoveForm
from goodterms.exits.views.base import exit_url, step_for


@org_required
@require_POST
def step_done(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    step = step_for(request, pk, step_pk)
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
    return redirect(exit_url(pk, f"step-{step.pk}"))


@org_required
@require_POST
def step_undo(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    step = step_for(request, pk, step_pk)
    try:
        services.step_undo(step=step, user=request.user)
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{step.title}” is marked as not done.")
    return redirect(exit_url(pk, f"step-{step.pk}"))


@org_required
def step_move(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    step = step_for(request, pk, step_pk)
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
        return redirect(exit_url(pk, f"step-{step.pk}"))
    return render(request, "exits/step_move.html", {"form": form, "step": step, "exit": step.exit})
