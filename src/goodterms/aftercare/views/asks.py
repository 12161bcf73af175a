"""Referral and testimonial asks: record one (within the limits), and its answer."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import forms, services
from goodterms.aftercare.views.base import aftercare_url, ask_for, contacts_of, exit_for


@org_required
@require_POST
def ask(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    form = forms.AskForm(request.POST, contacts=contacts_of(exit_))
    contact = form.chosen() if form.is_valid() else None
    if contact is None:
        messages.error(request, "Nothing was recorded: choose whom you asked, what for and when.")
        return redirect(aftercare_url(pk, "asks"))
    try:
        services.ask_record(
            exit_=exit_,
            contact=contact,
            kind=form.cleaned_data["kind"],
            user=request.user,
            on=form.cleaned_data["on"],
        )
    except services.AftercareRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Recorded. Mark the answer here when it comes.")
    return redirect(aftercare_url(pk, "asks"))


@org_required
@require_POST
def answer(request: OrgRequest, pk: int, ask_pk: int) -> HttpResponse:
    ask_ = ask_for(request, pk, ask_pk)
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an answer.")
    else:
        services.ask_answer(ask=ask_, answer=form.cleaned_data["answer"])
        messages.success(request, "Answer recorded.")
    return redirect(aftercare_url(pk, "asks"))
