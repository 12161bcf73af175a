"""What came of a relationship after its end: an introduction, a testimonial, the client back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import forms, services
from goodterms.aftercare.views.base import aftercare_url, contacts_of, exit_for


@org_required
@require_POST
def record(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    form = forms.OutcomeForm(request.POST, contacts=contacts_of(exit_))
    if not form.is_valid():
        messages.error(
            request,
            "Nothing was recorded: "
            + "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
        )
        return redirect(aftercare_url(pk, "outcomes"))
    data = form.cleaned_data
    try:
        outcome = services.outcome_record(
            exit_=exit_,
            kind=data["kind"],
            user=request.user,
            on=data["on"],
            contact=form.chosen(),
            new_client_name=data["new_client_name"],
            text=data["text"],
            consent_wording=data["consent_wording"],
            note=data["note"],
        )
    except services.AftercareRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Recorded: {outcome.get_kind_display().lower()}.")
    return redirect(aftercare_url(pk, "outcomes"))
