"""The keep-in-touch cadence (the organization's, and one client's own) and the user's daily digest."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import forms, selectors, services
from goodterms.aftercare.views.base import aftercare_url, exit_for


def _cadence_initial(pace: selectors.Pace) -> dict[str, object]:
    return {
        "months": ", ".join(str(m) for m in pace.months),
        "ideal_days": pace.ideal_days,
        "max_days": pace.max_days,
    }


@org_required
def aftercare_settings(request: OrgRequest) -> HttpResponse:
    choice = selectors.digest_choice(user=request.user)
    cadence = forms.CadenceForm(initial=_cadence_initial(selectors.pace_for(org=request.org)))
    digest = forms.DigestForm(initial={"enabled": choice.enabled, "at": choice.at})
    if request.method == "POST":
        if "digest" in request.POST:
            digest = forms.DigestForm(request.POST)
            if digest.is_valid():
                services.digest_choose(
                    user=request.user, enabled=digest.cleaned_data["enabled"], at=digest.cleaned_data["at"]
                )
                messages.success(request, "Your digest settings are saved.")
                return redirect("aftercare:settings")
        else:
            cadence = forms.CadenceForm(request.POST)
            if cadence.is_valid():
                data = cadence.cleaned_data
                services.cadence_save(
                    org=request.org,
                    client=None,
                    months=data["months"],
                    ideal_days=data["ideal_days"],
                    max_days=data["max_days"],
                )
                messages.success(request, "Saved: touchpoints written from now on follow this cadence.")
                return redirect("aftercare:settings")
    return render(
        request, "aftercare/settings.html", {"cadence": cadence, "digest": digest, "choice": choice}
    )


@org_required
@require_POST
def client_cadence(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    if "reset" in request.POST:
        services.cadence_forget(org=request.org, client=exit_.client)
        messages.success(request, f"{exit_.client.name} follows your organization's cadence again.")
        return redirect(aftercare_url(pk, "cadence"))
    form = forms.CadenceForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Not saved: " + "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
        )
    else:
        data = form.cleaned_data
        services.cadence_save(
            org=request.org,
            client=exit_.client,
            months=data["months"],
            ideal_days=data["ideal_days"],
            max_days=data["max_days"],
        )
        messages.success(request, f"Saved: {exit_.client.name}'s own cadence.")
    return redirect(aftercare_url(pk, "cadence"))
