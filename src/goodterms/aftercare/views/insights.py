"""Insights: what the organization's endings add up to, as charts with their tables, and as CSV."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import charts
from goodterms.aftercare import insights as figures


def _int(cell: object) -> int:
    return cell if isinstance(cell, int) else 0


@org_required
def insights(request: OrgRequest) -> HttpResponse:
    result = figures.insights(org=request.org, today=timezone.localdate())
    tables = result.tables
    situation = tables["situation"]
    drawn = {
        "situation": charts.stacked(
            "situation",
            situation.title,
            [str(row[0]) for row in situation.rows],
            list(situation.headers[1:-1]),
            [[_int(c) for c in row[1:-1]] for row in situation.rows],
        ),
        "reason": charts.bars(
            "reason",
            tables["reason"].title,
            [str(r[0]) for r in tables["reason"].rows],
            [_int(r[-1]) for r in tables["reason"].rows],
        ),
        "notice": charts.bars(
            "notice",
            tables["notice"].title,
            [str(r[0]) for r in tables["notice"].rows],
            [_int(r[1]) for r in tables["notice"].rows],
        ),
        "score": charts.bars(
            "score",
            tables["score"].title,
            [str(r[0]) for r in tables["score"].rows],
            [_int(r[1]) for r in tables["score"].rows],
        ),
        "missed": charts.bars(
            "missed",
            tables["missed"].title,
            [str(r[0]) for r in tables["missed"].rows],
            [_int(r[1]) for r in tables["missed"].rows],
        ),
    }
    if result.survey:
        drawn["recommend"] = charts.bars(
            "recommend",
            tables["recommend"].title,
            [str(r[0]) for r in tables["recommend"].rows],
            [_int(r[1]) for r in tables["recommend"].rows],
        )
    sections = [(table, drawn.get(key)) for key, table in tables.items()]
    return render(
        request,
        "aftercare/insights.html",
        {"result": result, "sections": sections, "min_cases": figures.MIN_CASES},
    )


@org_required
def insights_csv(request: OrgRequest) -> HttpResponse:
    result = figures.insights(org=request.org, today=timezone.localdate())
    response = HttpResponse(figures.as_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="goodterms-insights-{timezone.localdate()}.csv"'
    return response
