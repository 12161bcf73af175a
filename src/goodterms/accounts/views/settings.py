"""Settings: the notice rules and holiday country (the owner changes them) and each user's time zone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from goodterms.accounts import services, timezones
from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.forms import NoticeRulesForm, TimeZoneForm


@org_required
def org_settings(request: OrgRequest) -> HttpResponse:
    org, user = request.org, request.user
    rules = NoticeRulesForm(instance=org)
    zone = TimeZoneForm(instance=user)
    if request.method == "POST":
        if request.POST.get("form") == "rules":
            if not user.is_owner:
                raise PermissionDenied("Only the organization's owner can change the notice rules.")
            rules = NoticeRulesForm(request.POST, instance=org)
            if rules.is_valid():
                services.organization_update_rules(
                    org=org,
                    minimum_notice_days=rules.cleaned_data["minimum_notice_days"],
                    money_notice_days=rules.cleaned_data["money_notice_days"],
                    country=rules.cleaned_data["country"],
                )
                messages.success(request, "The notice rules are saved. Every running plan follows them.")
                return redirect("org-settings")
        else:
            zone = TimeZoneForm(request.POST, instance=user)
            if zone.is_valid():
                services.user_set_time_zone(user=user, time_zone=zone.cleaned_data["time_zone"])
                messages.success(request, "Your time zone is saved.")
                return redirect("org-settings")
    context = {
        "rules": rules,
        "zone": zone,
        "zone_choices": timezones.zone_choices(),
        "zones_renamed": " ".join(f"{old}={new}" for old, new in sorted(timezones.renamed().items())),
    }
    return render(request, "accounts/settings.html", context)
