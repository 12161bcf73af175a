"""One exit's people and messages: the goodbye board, drafting a goodbye for each, or a step's message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.clients.models import Contact
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib.vocabulary import Channel, MessageKind
from goodterms.messaging import mailfiles, selectors, services


def _exit(request: OrgRequest, exit_pk: int) -> Exit:
    queryset = scoped(Exit, request.org).select_related("client", "organization")
    return get_for_org(queryset, request.org, pk=exit_pk)


@org_required
def board(request: OrgRequest, exit_pk: int) -> HttpResponse:
    """Every person and where their goodbye stands, as stored: the worker keeps the plan in step."""
    exit_ = _exit(request, exit_pk)
    context = {
        "exit": exit_,
        "rows": selectors.board(exit_=exit_),
        "others": selectors.other_messages(exit_=exit_),
        "history": selectors.message_history(exit_=exit_),
        "file_backend": settings.EMAIL_BACKEND == mailfiles.BACKEND,
        "outbox_dir": getattr(settings, "EMAIL_FILE_PATH", ""),
    }
    return render(request, "messaging/board.html", context)


@org_required
@require_POST
def draft_goodbyes(request: OrgRequest, exit_pk: int) -> HttpResponse:
    exit_ = _exit(request, exit_pk)
    try:
        drafted = services.goodbyes_draft(exit_=exit_, user=request.user)
    except services.MessageRefused as refused:
        messages.error(request, refused.message)
        return redirect("messaging:board", exit_pk=exit_.pk)
    if drafted.created:
        count = len(drafted.created)
        what = "one personal goodbye" if count == 1 else f"{count} personal goodbyes"
        messages.success(request, f"Drafted {what}: read each one before sending.")
    for problem in drafted.problems:
        messages.warning(request, problem)
    return redirect("messaging:board", exit_pk=exit_.pk)


@org_required
@require_POST
def draft_person(request: OrgRequest, exit_pk: int, contact_pk: int) -> HttpResponse:
    """One person's goodbye: from the template, or ("Write it yourself") a blank one in your own words."""
    exit_ = _exit(request, exit_pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=exit_.client)
    own_words = request.POST.get("own_words") == "1"
    try:
        message = services.message_draft(
            exit_=exit_,
            contact=contact,
            kind=MessageKind.GOODBYE,
            user=request.user,
            channel=Channel.EMAIL if own_words else "",
            own_words=own_words,
        )
    except services.MessageRefused as refused:
        messages.error(request, refused.message)
        return redirect("messaging:board", exit_pk=exit_.pk)
    return redirect("messaging:edit", pk=message.pk)


@org_required
@require_http_methods(["GET", "POST"])
def draft_for_step(request: OrgRequest, exit_pk: int, step_pk: int) -> HttpResponse:
    """A step's message (the notice, the handover, …): the page says who it goes to, and lets the user choose
    someone else at the client, before anything is drafted."""
    exit_ = _exit(request, exit_pk)
    step = get_for_org(ExitStep, request.org, pk=step_pk, exit=exit_)
    step.exit = exit_
    if not step.message_kind:
        messages.error(request, "This step has no message to write.")
        return redirect("exits:detail", pk=exit_.pk)
    people = selectors.client_people(exit_=exit_)
    proposed = selectors.recipient_for_step(step=step)
    if request.method == "GET":
        context = {"exit": exit_, "step": step, "people": people, "proposed": proposed}
        return render(request, "messaging/choose_recipient.html", context)
    contact_pk = request.POST.get("contact", "")
    if not contact_pk:
        messages.error(request, "Choose the person it goes to.")
        return redirect("messaging:draft-step", exit_pk=exit_.pk, step_pk=step.pk)
    contact = get_for_org(Contact, request.org, pk=contact_pk, client=exit_.client)
    try:
        message = services.message_draft(
            exit_=exit_,
            contact=contact,
            kind=step.message_kind,
            user=request.user,
            step=step,
            channel=Channel.EMAIL,
            own_words=request.POST.get("own_words") == "1",
        )
    except services.MessageRefused as refused:
        messages.error(request, refused.message)
        return redirect("exits:detail", pk=exit_.pk)
    return redirect("messaging:edit", pk=message.pk)
