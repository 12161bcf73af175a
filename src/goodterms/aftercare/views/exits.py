"""One exit's aftercare: its touchpoints, the contact logged since the end, the asks and what came of them."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import forms, selectors
from goodterms.aftercare.views.base import exit_for


@org_required
def exit_aftercare(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    today = timezone.localdate()
    page = selectors.exit_aftercare(exit_=exit_, today=today)
    pace = page.pace
    context = {
        "exit": exit_,
        "page": page,
        "today": today,
        "touch_form": forms.TouchForm(contacts=page.contacts, initial={"on": today}, auto_id="log-%s"),
        "ask_form": forms.AskForm(contacts=page.contacts, initial={"on": today}, auto_id="ask-%s"),
        "outcome_form": forms.OutcomeForm(
            contacts=page.contacts, initial={"on": today}, auto_id="outcome-%s"
        ),
        "cadence_form": forms.CadenceForm(
            auto_id="cadence-%s",
            initial={
                "months": ", ".join(str(m) for m in pace.months),
                "ideal_days": pace.ideal_days,
                "max_days": pace.max_days,
            },
        ),
        "answers": forms.AnswerForm.base_fields["answer"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "aftercare/exit.html", context)
