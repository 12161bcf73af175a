"""This week: what is due across every running exit, overdue first."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.exits import selectors


@org_required
def dashboard(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    until = selectors.week_end(today)
    overdue = selectors.due_steps(org=request.org, since=None, until=today - timedelta(days=1))
    this_week = selectors.due_steps(org=request.org, since=today, until=until)
    context = {
        "today": today,
        "until": until,
        # Each list is capped so that a backlog never buries the week, and says how many more there are.
        "overdue": list(overdue[: selectors.DASHBOARD_ROWS]),
        "overdue_count": overdue.count(),
        "this_week": list(this_week[: selectors.DASHBOARD_ROWS]),
        "this_week_count": this_week.count(),
        "shown": selectors.DASHBOARD_ROWS,
        "running": selectors.running_count(org=request.org),
        # Links are built from one prefix instead of a reverse() per row: the page can list hundreds of steps.
        "exits_prefix": reverse("exits:list"),
    }
    return render(request, "exits/dashboard.html", context)
