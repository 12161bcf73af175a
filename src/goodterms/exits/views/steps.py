"""One step of an exit's plan: tick it off (with a note), undo that, reschedule it, or choose whom a call
or meeting is with and when."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.exits import ical, selectors, services
from goodterms.exits.forms import MeetingForm, StepDoneForm, StepMoveForm
from goodterms.exits.views.base import exit_url, step_for


@org_required
@require_POST
def step_done(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    step = step_for(request, pk, step_pk)
    form = StepDoneForm(request.POST)
    # Ticked off from This week: back there, where the next step is.
    back = redirect("exits:dashboard") if request.POST.get("back") == "week" else None
    if not form.is_valid():
        messages.error(request, f"“{step.title}” was not ticked off: give the day it was done.")
        return back or redirect("exits:detail", pk=pk)
    try:
        services.step_done(
            step=step, user=request.user, note=form.cleaned_data["note"], on=form.cleaned_data["done_on"]
        )
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Done: {step.title}.")
    return back or redirect(exit_url(pk, f"step-{step.pk}"))


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


@org_required
def step_meeting(request: OrgRequest, pk: int, step_pk: int) -> HttpResponse:
    """A call or meeting: whom it is with, when, and its invitation."""
    step = step_for(request, pk, step_pk)
    if not step.is_meeting:
        raise Http404("Only calls and meetings have people and a time.")
    people = selectors.invitation_contacts(step=step)
    current = selectors.step_attendees(step=step, contacts=people)
    initial = {
        "attendees": [person.pk for person in current.people],
        "day": step.due,
        "at": step.at_time,
        "minutes": step.minutes,
        "share_talking_points": step.share_talking_points,
    }
    form = MeetingForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.Meeting(
            attendee_ids=tuple(data["attendees"]),
            day=data["day"],
            at=data["at"],
            minutes=data["minutes"],
            share_talking_points=data["share_talking_points"],
        )
        try:
            services.step_meeting_set(step=step, user=request.user, meeting=meeting)
        except services.ExitNotPossible as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"Saved. The invitation for “{step.title}” is ready to download.")
        return redirect("exits:step-meeting", pk=pk, step_pk=step.pk)
    context = {
        "form": form,
        "step": step,
        "exit": step.exit,
        "attendees": current,
        "people": people,
        "invitation": ical.invitation_text(step, organizer=request.user, people=current.people),
    }
    return render(request, "exits/step_meeting.html", context)
