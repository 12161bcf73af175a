"""Former clients: who is due a touchpoint, who is losing touch, and every former client's last contact."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import selectors

ROWS = 100


@org_required
def home(request: OrgRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate()
    former = selectors.former_clients(org=request.org, today=today)
    due = selectors.due_touchpoints(org=request.org, now=now)
    context = {
        "due": list(due[:ROWS]),
        "due_count": due.count(),
        "upcoming": list(
            selectors.upcoming_touchpoints(org=request.org, now=now, until=now + timedelta(days=30))[:ROWS]
        ),
        "losing": [k for k in former if k.state == selectors.LOSING],
        "former": former[:ROWS],
        "former_count": len(former),
        "shown": ROWS,
    }
    return render(request, "aftercare/home.html", context)
