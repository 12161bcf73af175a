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

from goodterms import templating
from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.models import user_zone
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.lib.vocabulary import Channel
from goodterms.messaging import gate, outbox, selectors, services
from goodterms.messaging.models import BODY_MAX, SUBJECT_MAX, Message


def _message(request: OrgRequest, pk: int) -> Message:
    queryset = scoped(Message, request.org).select_related("exit__client", "step", "contact", "organization")
    return get_for_org(queryset, request.org, pk=pk)


# Actions that reach a client or cannot be undone: the page asks first (a confirmation step that works
# without JavaScript), and only the second post, with confirm=1, acts.
CONFIRM = {
    "send-now": "Send it now",
    "schedule": "Schedule it",
    "resend": "Send it again",
    "cancel": "Cancel it",
    "confirm-delivered": "Yes, it arrived",
}


@org_required
def edit(request: OrgRequest, pk: int) -> HttpResponse:
    """The editor. Without JavaScript, "Check" and "Send" are plain posts; with it, the coach runs live.

    What was typed is never lost: a refused edit (too long, a line break in the subject) or a refused send
    comes back with the typed text in the form and the reason above it."""
    message = _message(request, pk)
    errors: list[str] = []
    override = False
    subject, body = message.subject, message.body
    if request.method == "POST":
        action = request.POST.get("action", "save")
        subject = request.POST.get("subject", message.subject)
        body = request.POST.get("body", message.body)
        try:
            note = ""
            if selectors.changeable(message=message) and (
                "subject" in request.POST or "body" in request.POST
            ):
                note = services.message_save(message=message, user=request.user, subject=subject, body=body)
            if action in ("send-now", "schedule"):
                send_at = _send_at(request) if action == "schedule" else None
                if action == "schedule" and send_at is None:
                    raise services.MessageRefused("Choose when to send it, or use “Send now”.")
                if request.POST.get("confirm") != "1":
                    # Ask only what the gate would let through: a refusal is said now, not after "Yes".
                    if message.state != Message.State.QUEUED:
                        gate.clear(message, send_anyway=request.POST.get("send_anyway") == "1")
                    return _confirm(request, message, action, send_at=send_at)
                note = services.message_send(
                    message=message,
                    user=request.user,
                    send_at=send_at,
                    send_anyway=request.POST.get("send_anyway") == "1",
                )
                messages.success(request, note)
                return _after_send(message)
            if action == "unschedule":
                services.message_unschedule(message=message, user=request.user)
                messages.success(request, "It is a draft again: nothing goes until you send or schedule it.")
                return redirect("messaging:edit", pk=message.pk)
            if action == "save":
                messages.success(request, note or "Draft saved.")
                return redirect("messaging:edit", pk=message.pk)
            subject, body = message.subject, message.body  # "Check": coached as saved
        except services.MessageRefused as refused:
            messages.error(request, refused.message)
            errors, override = refused.errors, refused.override
        except gate.GateRefused as refused:
            messages.error(request, refused.message)
            errors, override = list(refused.errors), refused.override
    return _page(request, message, subject=subject, body=body, errors=errors, override=override)


def _page(
    request: OrgRequest,
    message: Message,
    *,
    subject: str,
    body: str,
    errors: list[str] | None = None,
    override: bool = False,
    status: int = 200,
) -> HttpResponse:
    report = selectors.coach(text=body, kind=message.kind, channel=message.channel)
    zone = user_zone(request.user)
    default_send = message.send_at or (
        datetime.combine(message.step.due, datetime.min.time().replace(hour=9), tzinfo=zone)
        if message.step is not None and message.step.due > timezone.localdate()
        else None
    )
    findings = [_finding(body, f) for f in report.findings]
    context = {
        "message": message,
        "subject": subject,
        "body": body,
        "report": report,
        "findings": findings,
        "finding_count": len(findings),
        "errors": errors or [],
        "override": override,
        "editable": selectors.changeable(message=message),
        "scheduled": message.is_scheduled and selectors.waiting_in_outbox(message=message),
        "personal_marks": templating.personal_marks(f"{subject}\n{body}"),
        "events": selectors.message_events(message=message),
        "send_at_value": timezone.localtime(default_send, zone).strftime("%Y-%m-%dT%H:%M")
        if default_send
        else "",
        "zone": str(zone),
        "mailto": _mailto(message),
        "coach_url": reverse("messaging:coach", args=[message.pk]),
        "envelope": selectors.envelope_address(message=message),
        "subject_max": SUBJECT_MAX,
        "body_max": BODY_MAX,
    }
    return render(request, "messaging/edit.html", context, status=status)


def _confirm(
    request: OrgRequest, message: Message, action: str, *, send_at: datetime | None = None
) -> HttpResponse:
    """The question before an action that reaches a client or cannot be undone; its button posts again."""
    target = reverse(
        "messaging:edit" if action in ("send-now", "schedule") else "messaging:mark", args=[message.pk]
    )
    context = {
        "message": message,
        "action": action,
        "button": CONFIRM[action],
        "target": target,
        "send_at": send_at,
        "send_at_value": request.POST.get("send_at", ""),
        "send_anyway": request.POST.get("send_anyway") == "1",
        "envelope": selectors.envelope_address(message=message),
    }
    return render(request, "messaging/confirm.html", context)


def _after_send(message: Message) -> HttpResponse:
    return redirect("messaging:board", exit_pk=message.exit_id) if message.exit_id else redirect("home")


def _send_at(request: OrgRequest) -> datetime | None:
    raw = request.POST.get("send_at", "").strip()
    if not raw:
        return None
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        raise services.MessageRefused(
            f"“{raw}” is not a date and time; use the picker or YYYY-MM-DDTHH:MM."
        ) from None
    when = naive.replace(tzinfo=user_zone(request.user)) if naive.tzinfo is None else naive
    if when <= timezone.now():
        raise services.MessageRefused("That time has passed: choose a time ahead, or use “Send now”.")
    return when


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
        text = str(payload.get("body", ""))[:BODY_MAX]
    except (ValueError, AttributeError):
        return JsonResponse({"error": 'Send JSON: {"body": "…"}.'}, status=400)
    report = selectors.coach(text=text, kind=message.kind, channel=message.channel)
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
    """What the user did outside goodterms (sent it, called, a reply), undoing it, and the decisions on an
    uncertain or failed message. Those that reach a client or cannot be undone are confirmed first."""
    message = _message(request, pk)
    action = request.POST.get("action", "")
    if action in CONFIRM and request.POST.get("confirm") != "1":
        return _confirm(request, message, action)
    try:
        if action == "email-instead":
            replacement = services.message_email_instead(message=message, user=request.user)
            messages.success(request, f"An email to {replacement.to_name} is drafted instead of the call.")
            return redirect("messaging:edit", pk=replacement.pk)
        if action == "confirm-delivered":
            services.message_confirm_delivered(message=message, user=request.user)
            note = "Marked as delivered."
        elif action == "resend":
            note = services.message_resend(message=message, user=request.user)
        elif action.startswith("undo-"):
            services.message_unmark(message=message, user=request.user, action=action.removeprefix("undo-"))
            note = services.UNDO[action.removeprefix("undo-")]
        else:
            services.message_mark(message=message, user=request.user, action=action)
            note = services.MARKS.get(action, "Done.")
    except services.MessageRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, note)
    if message.exit_id and request.POST.get("back") != "edit":
        return redirect("messaging:board", exit_pk=message.exit_id)
    return redirect("messaging:edit", pk=message.pk)
