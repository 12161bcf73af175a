"""The owner's page of the security log: the organization's events that a change caused."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from goodterms.accounts import selectors
from goodterms.accounts.decorators import OrgRequest, owner_required


@owner_required
def security_log(request: OrgRequest) -> HttpResponse:
    return render(request, "accounts/security_log.html", {"entries": selectors.security_log(org=request.org)})
