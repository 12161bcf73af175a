"""`{% survey_section exit %}`: the exit page's survey part, read here so the exits app (below this one)
needs no import of the survey: its template includes survey/exit_section.html, one line."""

from __future__ import annotations

from typing import Any

from django import template

from goodterms.survey import selectors

register = template.Library()


@register.inclusion_tag("survey/exit_section_body.html")
def survey_section(exit_: Any) -> dict[str, Any]:
    org = exit_.organization
    return {
        "exit": exit_,
        "people": selectors.exit_statuses(org=org, exit_=exit_),
        "results": selectors.results(org=org, exit_=exit_),
    }
