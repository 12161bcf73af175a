"""Log a call, meeting or email with a former client: it counts as keeping in touch."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.models import user_zone
from goodterms.aftercare import forms, services
from goodterms.aftercare.selectors import TOUCHPOINT_TIME
from goodterms.aftercare.views.base import aftercare_url, contacts_of, exit_for


@org_required
@require_POST
def log_touch(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    form = forms.TouchForm(request.POST, contacts=contacts_of(exit_))
    if not form.is_valid():
        messages.error(
            request,
            "Nothing was logged: "
            + "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
        )
        return redirect(aftercare_url(pk, "log"))
    day = form.cleaned_data["on"]
    now = timezone.now()
    zone = user_zone(request.user)
    at = now if day == now.astimezone(zone).date() else datetime.combine(day, TOUCHPOINT_TIME, tzinfo=zone)
    try:
        services.contact_log(
            exit_=exit_,
            contact=form.chosen(),
            channel=form.cleaned_data["channel"],
            user=request.user,
            at=at,
            note=form.cleaned_data["note"],
        )
    except services.AftercareRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Logged: the schedule now counts from this contact.")
    return redirect(aftercare_url(pk, "touchpoints"))
