"""The goodbye board, the editor with the tone coach beside the draft, and sending (or sending by hand)."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.models import user_zone
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.clients.models import Contact
from goodterms.exits.models import Exit, ExitStep
from goodterms.lib.vocabulary import Channel
from goodterms.messaging import outbox, services
from goodterms.messaging.models import Message, MessageEvent

MAX_BODY = 50_000


@org_required
def board(request: OrgRequest, exit_pk: int) -> HttpResponse:
    exit_ = get_for_org(scoped(Exit, request.org).select_related("client"), request.org, pk=exit_pk)
    services.follow_steps(exit_=exit_)
    history = (
        scoped(Message, request.org)
        .filter(exit=exit_)
        .exclude(state__in=[Message.State.DRAFT, Message.State.CANCELLED])
        .order_by("-sent_at", "-created_at")
    )
    context = {
        "exit": exit_,
        "rows": services.board(exit_=exit_),
        "others": scoped(Message, request.org)
        .filter(exit=exit_)
        .exclude(kind="goodbye")
        .exclude(state=Message.State.CANCELLED),
        "history": history,
        "file_backend": "filebased" in settings.EMAIL_BACKEND,
        "outbox_dir": getattr(settings, "EMAIL_FILE_PATH", ""),
    }
    return render(request, "messaging/board.html", context)


@org_required
@require_POST
def draft_goodbyes(request: OrgRequest, exit_pk: int) -> HttpResponse:
    exit_ = get_for_org(
        scoped(Exit, request.org).select_related("client", "organization"), request.org, pk=exit_pk
    )
    try:
        drafted = services.draft_goodbyes(exit_=exit_, user=request.user)
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
    exit_ = get_for_org(
        scoped(Exit, request.org).select_related("client", "organization"), request.org, pk=exit_pk
    )
    step = get_for_org(ExitStep, request.org, pk=step_pk, exit=exit_)
    step.exit = exit_
    if not step.message_kind:
        messages.error(request, "This step has no message to write.")
        return redirect("exits:detail", pk=exit_.pk)
    contact_pk = request.POST.get("contact")
    contact = (
        get_for_org(Contact, request.org, pk=contact_pk, client=exit_.client)
        if contact_pk
        else services.recipient_for_step(step)
    )
    if contact is None:
        messages.error(request, f"{exit_.client.name} has no contacts yet: add the person to write to first.")
        return redirect("exits:detail", pk=exit_.pk)
    try:
        message = services.draft(
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


def _message(request: OrgRequest, pk: int) -> Message:
    queryset = scoped(Message, request.org).select_related("exit__client", "step", "contact", "organization")
    return get_for_org(queryset, request.org, pk=pk)


@org_required
def edit(request: OrgRequest, pk: int) -> HttpResponse:
    """The editor. Without JavaScript, "Check" and "Send" are plain posts; with it, the coach runs live."""
    message = _message(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        subject = request.POST.get("subject", message.subject)[:300]
        body = request.POST.get("body", message.body)[:MAX_BODY]
        try:
            if message.state in services.EDITABLE_STATES:
                services.save(message=message, user=request.user, subject=subject, body=body)
            if action == "send":
                send_at = _send_at(request)
                note = services.send(
                    message=message,
                    user=request.user,
                    send_at=send_at,
                    send_anyway=request.POST.get("send_anyway") == "1",
                )
                messages.success(request, note)
                return (
                    redirect("messaging:board", exit_pk=message.exit_id)
                    if message.exit_id
                    else redirect("home")
                )
            if action == "save":
                messages.success(request, "Draft saved.")
                return redirect("messaging:edit", pk=message.pk)
        except services.MessageRefused as refused:
            messages.error(request, refused.message)
            errors = refused.errors
        except ValueError as bad:
            messages.error(request, str(bad))
    report = services.coach(message.body, message.kind)
    zone = user_zone(request.user)
    default_send = message.send_at or (
        datetime.combine(message.step.due, datetime.min.time().replace(hour=9), tzinfo=zone)
        if message.step is not None and message.step.due > timezone.localdate()
        else None
    )
    context = {
        "message": message,
        "report": report,
        "findings": [_finding(message.body, f) for f in report.findings],
        "errors": errors,
        "editable": message.state in services.EDITABLE_STATES,
        "events": scoped(MessageEvent, request.org).filter(message=message).select_related("user"),
        "send_at_value": timezone.localtime(default_send, zone).strftime("%Y-%m-%dT%H:%M")
        if default_send
        else "",
        "zone": str(zone),
        "mailto": _mailto(message),
        "coach_url": reverse("messaging:coach", args=[message.pk]),
    }
    return render(request, "messaging/edit.html", context)


def _send_at(request: OrgRequest) -> datetime | None:
    raw = request.POST.get("send_at", "").strip()
    if not raw:
        return None
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"“{raw}” is not a date and time; use the picker or YYYY-MM-DDTHH:MM.") from None
    return naive.replace(tzinfo=user_zone(request.user)) if naive.tzinfo is None else naive


def _finding(text: str, finding: object) -> dict[str, object]:
    data = dict(finding.__dict__)
    data["words"] = text[data["start"] : data["end"]]
    return data


def _mailto(message: Message) -> str:
    if not message.to_email:
        return ""
    return f"mailto:{quote(message.to_email)}?subject={quote(message.subject)}&body={quote(message.body)}"


@org_required
@require_POST
def coach(request: OrgRequest, pk: int) -> HttpResponse:
    """The tone coach on the text being typed: JSON with the findings' offsets, for the highlights."""
    message = _message(request, pk)
    try:
        payload = json.loads(request.body or b"{}")
        text = str(payload.get("body", ""))[:MAX_BODY]
    except (ValueError, AttributeError):
        return JsonResponse({"error": 'Send JSON: {"body": "…"}.'}, status=400)
    report = services.coach(text, message.kind)
    data = report.to_dict()
    first = services.first_name(message.to_name)
    for finding, out in zip(report.findings, data["findings"], strict=True):
        out["replacement"] = services.replacement_for(finding, text, first)
    data["has_errors"] = report.has_errors
    return JsonResponse(data)


@org_required
def eml(request: OrgRequest, pk: int) -> HttpResponse:
    """The message as an .eml file, to open and send from the user's own mail app."""
    message = _message(request, pk)
    if message.channel != Channel.EMAIL:
        messages.error(request, "This is a call, not an email.")
        return redirect("messaging:edit", pk=message.pk)
    try:
        email = outbox.build_email(message)
    except outbox.NotSendable as refused:
        messages.error(request, refused.message)
        return redirect("messaging:edit", pk=message.pk)
    mime = email.message()
    mime["X-Unsent"] = "1"  # Outlook and Apple Mail open it as a draft to send
    response = HttpResponse(mime.as_bytes(), content_type="message/rfc822")
    slug = "".join(ch if ch.isalnum() else "-" for ch in message.to_name.lower()).strip("-") or "message"
    response["Content-Disposition"] = f'attachment; filename="{message.kind}-{slug[:40]}.eml"'
    return response


@org_required
@require_POST
def mark(request: OrgRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "email-instead":
            replacement = services.email_instead(message=message, user=request.user)
            messages.success(request, f"An email to {replacement.to_name} is drafted instead of the call.")
            return redirect("messaging:edit", pk=replacement.pk)
        if action == "confirm-delivered":
            outbox.confirm_delivered(message, request.user)
        elif action == "resend":
            outbox.resend(message, request.user)
        else:
            services.mark(message=message, user=request.user, action=action)
    except (services.MessageRefused, outbox.NotSendable) as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, services.MARKS.get(action, "Done."))
    if message.exit_id:
        return redirect("messaging:board", exit_pk=message.exit_id)
    return redirect("messaging:edit", pk=message.pk)
