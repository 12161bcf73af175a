"""What the survey taught: one exit's answers, every exit's together, and the CSV of them."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.securitylog import security_event
from goodterms.clients.exporting import csv_cell
from goodterms.lib.vocabulary import SecurityEvent
from goodterms.survey import selectors
from goodterms.survey.csvfile import csv_chunks
from goodterms.survey.views.base import exit_for


@org_required
@require_safe
def exit_results(request: OrgRequest, pk: int) -> HttpResponse:
    exit_ = exit_for(request, pk)
    context = {
        "exit": exit_,
        "results": selectors.results(org=request.org, exit_=exit_),
        "people": selectors.exit_statuses(org=request.org, exit_=exit_),
    }
    return render(request, "survey/results.html", context)


@org_required
@require_safe
def all_results(request: OrgRequest) -> HttpResponse:
    context = {
        "exit": None,
        "results": selectors.results(org=request.org),
        "testimonials": selectors.testimonials_consented(request.org),
    }
    return render(request, "survey/results.html", context)


def _download(rows: list[list[str]], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(rows, cell=csv_cell), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate().isoformat()}.csv"'
    return response


@org_required
@require_GET
@never_cache
def exit_results_csv(request: OrgRequest, pk: int) -> HttpResponseBase:
    exit_ = exit_for(request, pk)
    security_event(SecurityEvent.EXPORT, what="survey", exit=exit_.pk)
    return _download(selectors.csv_rows(org=request.org, exit_=exit_), "goodterms-survey")


@org_required
@require_GET
@never_cache
def all_results_csv(request: OrgRequest) -> HttpResponseBase:
    security_event(SecurityEvent.EXPORT, what="survey")
    return _download(selectors.csv_rows(org=request.org), "goodterms-survey")
