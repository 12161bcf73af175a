"""The organization's survey questions (Settings, Survey questions): everyone reads them, the owner edits.
Invitations already made keep the questions they were made with."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.survey import questions, selectors, services
from goodterms.survey.forms import QuestionsForm


@org_required
def question_set(request: OrgRequest) -> HttpResponse:
    current = selectors.questions_for(org=request.org)
    form = QuestionsForm(request.POST or None, initial={"lines": questions.as_lines(current)})
    if request.method == "POST":
        if not request.user.is_owner:
            raise PermissionDenied("Only the organization's owner changes the survey questions.")
        if request.POST.get("action") == "reset":
            services.question_set_reset(org=request.org)
            messages.success(request, "The survey asks the default questions again.")
            return redirect("survey:questions")
        if form.is_valid():
            try:
                services.question_set_save(
                    org=request.org, user=request.user, text=form.cleaned_data["lines"]
                )
            except questions.QuestionsInvalid as invalid:
                form.add_error("lines", invalid.message)
            else:
                messages.success(request, "Saved. New survey invitations ask these questions.")
                return redirect("survey:questions")
    context = {
        "form": form,
        "questions": current,
        "custom": selectors.is_custom(org=request.org),
        "may_edit": request.user.is_owner,
        "consent_wording": questions.CONSENT_WORDING,
    }
    return render(request, "survey/questions.html", context)
