"""Playbooks of an exit: which one the start form's answers lead to (for the form's script), and switching
a running exit to another."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from goodterms import playbook
from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.exits import selectors, services
from goodterms.exits.forms import SwitchPlaybookForm, suggestion_text
from goodterms.exits.views.base import exit_for
from goodterms.lib.vocabulary import Feeling, Initiator, Reason


class _Answers(forms.Form):
    initiated_by = forms.ChoiceField(choices=Initiator.choices(), required=False)
    reason = forms.ChoiceField(choices=Reason.choices(), required=False)
    money_affected = forms.BooleanField(required=False)
    feeling = forms.ChoiceField(choices=Feeling.choices(), required=False)


@org_required
@require_GET
def suggestion(request: OrgRequest) -> HttpResponse:
    """The playbook the answers so far lead to, as JSON: the start and change forms show it as they change."""
    answers = _Answers(request.GET)
    if not answers.is_valid():
        return JsonResponse({"error": "Those answers are not ones the form offers."}, status=400)
    data = answers.cleaned_data
    found = selectors.playbook_suggested(
        initiated_by=data["initiated_by"] or Initiator.ME,
        reason=data["reason"] or Reason.OTHER,
        money_affected=data["money_affected"],
        feeling=data["feeling"] or Feeling.SMOOTH,
    )
    return JsonResponse({"playbook": found.playbook_id, "title": found.title, "text": suggestion_text(found)})


@org_required
@require_POST
def switch(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    form = SwitchPlaybookForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the playbooks to switch to.")
        return redirect("exits:detail", pk=exit_.pk)
    try:
        services.exit_switch_playbook(
            exit_=exit_, user=request.user, playbook_id=form.cleaned_data["playbook"]
        )
    except services.ExitNotPossible as refused:
        messages.error(request, refused.message)
    else:
        title = playbook.default_playbooks()[exit_.playbook_id].title
        messages.success(request, f"The plan now follows “{title}”. Steps already done stay on the record.")
    return redirect("exits:detail", pk=exit_.pk)
