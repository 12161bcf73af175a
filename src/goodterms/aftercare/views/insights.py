"""Insights: what the organization's endings add up to, as charts with their tables, and as CSV."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.aftercare import charts
from goodterms.aftercare import insights as figures


def _int(cell: object) -> int:
    return cell if isinstance(cell, int) else 0


def _body(table: figures.Table) -> SafeString:
    """The table's rows as HTML, built here rather than in the template: a thousand exits make thousands of
    cells, and the template engine's loops would take most of the page's time. Every cell is escaped."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th>{}</tr>',
        ((row[0], format_html_join("", "<td>{}</td>", ((cell,) for cell in row[1:]))) for row in table.rows),
    )


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
    sections = [(table, drawn.get(key), _body(table)) for key, table in tables.items()]
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
