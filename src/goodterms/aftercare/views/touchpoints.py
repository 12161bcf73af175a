"""A touchpoint: skip it (its unsent draft is cancelled) or, when it needed you, try drafting it again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import services
from goodterms.aftercare.views.base import aftercare_url, touchpoint_for


@org_required
@require_POST
def skip(request: OrgRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    touchpoint = touchpoint_for(request, pk, touchpoint_pk)
    try:
        services.touchpoint_cancel(touchpoint=touchpoint, user=request.user)
    except services.AftercareRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Skipped: nothing goes for this touchpoint; the next one is scheduled.")
    return redirect(aftercare_url(pk, "touchpoints"))


@org_required
@require_POST
def retry(request: OrgRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    touchpoint = touchpoint_for(request, pk, touchpoint_pk)
    services.touchpoint_retry(touchpoint=touchpoint)
    messages.success(request, "The check-in will be drafted again in a moment.")
    return redirect(aftercare_url(pk, "touchpoints"))
