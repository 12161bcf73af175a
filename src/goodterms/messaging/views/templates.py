"""The organization's message templates: the list with previews, the editor, and going back to the default.

Everyone in the organization may read the templates; only the owner changes them, because a template is
the starting point of every draft the members write.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from goodterms import templating
from goodterms.accounts.decorators import OrgRequest, org_required, owner_required
from goodterms.messaging import selectors, services
from goodterms.messaging.forms import TemplateForm


def _kind(kind: str) -> str:
    if kind not in selectors.KIND_LABELS:
        raise Http404("No such kind of message")
    return kind


@org_required
def template_list(request: OrgRequest) -> HttpResponse:
    rows = [
        (info, selectors.template_preview(subject=info.subject, body=info.body, kind=info.kind))
        for info in selectors.template_infos(org=request.org)
    ]
    return render(request, "messaging/template_list.html", {"rows": rows})


@org_required
def template_edit(request: OrgRequest, kind: str) -> HttpResponse:
    """Members see the template and its preview; the owner may check and save an edited one."""
    kind = _kind(kind)
    info = selectors.template_info(org=request.org, kind=kind)
    problems: list[templating.Problem] = []
    subject, body = info.subject, info.body
    if request.method == "POST":
        if not request.user.is_owner:
            raise PermissionDenied("Only the organization's owner can change the message templates.")
        form = TemplateForm(request.POST)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            problems = templating.check_template(subject, body)
            if not problems and request.POST.get("action") != "check":
                services.template_save(
                    org=request.org, kind=kind, subject=subject, body=body, user=request.user
                )
                messages.success(request, f"The {info.label.lower()} template is saved.")
                return redirect("messaging:template-edit", kind=kind)
    else:
        form = TemplateForm(initial={"subject": info.subject, "body": info.body})
    preview = None
    if not problems and (not form.is_bound or form.is_valid()):
        preview = selectors.template_preview(subject=subject, body=body, kind=kind)
    context = {
        "info": info,
        "form": form,
        "problems": problems,
        "preview": preview,
        "checked": request.method == "POST",
        "fields": templating.FIELDS.values(),
        "can_edit": request.user.is_owner,
    }
    return render(request, "messaging/template_edit.html", context)


@owner_required
def template_reset(request: OrgRequest, kind: str) -> HttpResponse:
    """GET: what going back to the default does, and the confirmation (it works without JavaScript); POST:
    go back, then offer the undo: the previous text, in a form that saves it again."""
    kind = _kind(kind)
    info = selectors.template_info(org=request.org, kind=kind)
    label = info.label.lower()
    if info.is_default:
        messages.info(request, f"The {label} template is already goodterms' default.")
        return redirect("messaging:template-edit", kind=kind)
    if request.method != "POST":
        return render(request, "messaging/template_reset.html", {"info": info})
    services.template_reset(org=request.org, kind=kind)
    return render(request, "messaging/template_reset_done.html", {"info": info})
