"""One exit's people and messages: the goodbye board, drafting a goodbye for each, or a step's message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.clients.models import Contact
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib.vocabulary import Channel
from goodterms.messaging import selectors, services


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
        "file_backend": "filebased" in settings.EMAIL_BACKEND,
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
        messages.success(
            request, f"{len(drafted.created)} personal goodbye(s) drafted: read each one before sending."
        )
    for problem in drafted.problems:
        messages.warning(request, problem)
    return redirect("messaging:board", exit_pk=exit_.pk)


@org_required
@require_POST
def draft_for_step(request: OrgRequest, exit_pk: int, step_pk: int) -> HttpResponse:
    exit_ = _exit(request, exit_pk)
    step = get_for_org(ExitStep, request.org, pk=step_pk, exit=exit_)
    step.exit = exit_
    if not step.message_kind:
        messages.error(request, "This step has no message to write.")
        return redirect("exits:detail", pk=exit_.pk)
    contact_pk = request.POST.get("contact")
    contact = (
        get_for_org(Contact, request.org, pk=contact_pk, client=exit_.client)
        if contact_pk
        else selectors.recipient_for_step(step=step)
    )
    if contact is None:
        messages.error(request, f"{exit_.client.name} has no contacts yet: add the person to write to first.")
        return redirect("exits:detail", pk=exit_.pk)
    try:
        message = services.message_draft(
            exit_=exit_,
            contact=contact,
            kind=step.message_kind,
            user=request.user,
            step=step,
            channel=Channel.EMAIL,
        )
    except services.MessageRefused as refused:
        messages.error(request, refused.message)
        return redirect("exits:detail", pk=exit_.pk)
    return redirect("messaging:edit", pk=message.pk)
