"""One message: the editor with the tone coach beside the draft, the live coach, the .eml, and the marks."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.models import user_zone
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.lib.vocabulary import Channel
from goodterms.messaging import outbox, selectors, services
from goodterms.messaging.models import EDITABLE_STATES, Message

MAX_BODY = 50_000


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
            if message.state in EDITABLE_STATES:
                services.message_save(message=message, user=request.user, subject=subject, body=body)
            if action == "send":
                send_at = _send_at(request)
                note = services.message_send(
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
    report = selectors.coach(text=message.body, kind=message.kind)
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
        "editable": message.state in EDITABLE_STATES,
        "events": selectors.message_events(message=message),
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
    report = selectors.coach(text=text, kind=message.kind)
    data = report.to_dict()
    first = selectors.first_name(message.to_name)
    for finding, out in zip(report.findings, data["findings"], strict=True):
        out["replacement"] = selectors.replacement_for(finding, text, first)
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
            replacement = services.message_email_instead(message=message, user=request.user)
            messages.success(request, f"An email to {replacement.to_name} is drafted instead of the call.")
            return redirect("messaging:edit", pk=replacement.pk)
        if action == "confirm-delivered":
            services.message_confirm_delivered(message=message, user=request.user)
        elif action == "resend":
            services.message_resend(message=message, user=request.user)
        else:
            services.message_mark(message=message, user=request.user, action=action)
    except services.MessageRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, services.MARKS.get(action, "Done."))
    if message.exit_id:
        return redirect("messaging:board", exit_pk=message.exit_id)
    return redirect("messaging:edit", pk=message.pk)
