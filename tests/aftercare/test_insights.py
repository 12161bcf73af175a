"""Insights: Wilson intervals against published values, counts only below ten cases, and the page's
tables equal to the CSV."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from goodterms.accounts.models import User
from goodterms.aftercare import insights, services
from goodterms.aftercare.models import Outcome
from goodterms.clients.models import Client, Contact
from goodterms.exits.models import Exit
from goodterms.lib.formulas import unneutralise
from tests.aftercare.conftest import ended_exit


@pytest.mark.parametrize(
    ("hits", "cases", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I, method 3.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_intervals_match_published_values(hits: int, cases: int, low: float, high: float):
    got_low, got_high = insights.wilson(hits, cases)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_a_rate_below_ten_cases_shows_counts_only():
    assert insights.Rate("Return rate", 3, 9).cells() == (
        "Return rate",
        3,
        9,
        insights.TOO_FEW,
        insights.TOO_FEW,
    )
    _label, hits, cases, share, interval = insights.Rate("Return rate", 3, 10).cells()
    assert (hits, cases, share) == (3, 10, "30%")
    assert interval == "11%-60%"


class _Tables(HTMLParser):
    """The insights page's tables, as rows of cell texts, by their data-insight key."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.key = ""
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.key = dict(attrs).get("data-insight") or ""
            self.tables[self.key] = []
        elif tag == "tr" and self.key:
            self.tables[self.key].append([])
        elif tag in ("td", "th") and self.key:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[self.key][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.key = ""

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def _exits(org_a, alice: User, count: int) -> list[Exit]:
    made = []
    for n in range(count):
        client = Client.objects.create(organization=org_a, name=f"=Client {n}")  # a formula-like name
        Contact.objects.create(
            organization=org_a, client=client, name=f"Person {n}", email=f"p{n}@x.example", is_primary=True
        )
        made.append(ended_exit(client, alice, days_ago=40 + 30 * n, reason="fit" if n % 2 else "capacity"))
    return made


def test_the_page_shows_the_same_numbers_as_the_csv(web_alice, org_a, alice: User):
    exits = _exits(org_a, alice, 11)
    for exit_ in exits[:3]:
        services.outcome_record(exit_=exit_, kind=Outcome.Kind.CAME_BACK, user=alice, on=timezone.localdate())
    page = web_alice.get(reverse("aftercare:insights"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 4 and 'role="img"' in html
    assert "No survey answers yet." in html
    parser = _Tables()
    parser.feed(html)
    download = web_alice.get(reverse("aftercare:insights-csv"))
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert "'=Client 0" in download.content.decode()  # formula-safe
    blocks: list[list[list[str]]] = []
    current: list[list[str]] = []
    for row in rows:
        if not row:
            blocks.append(current)
            current = []
        else:
            current.append([unneutralise(cell) for cell in row])
    by_title = {block[0][0]: block[1:] for block in blocks}
    result = insights.insights(org=org_a, today=timezone.localdate())
    compared = 0
    for key, table in result.tables.items():
        if not table.rows:
            continue
        from_csv = by_title[table.title][: 1 + len(table.rows)]
        assert parser.tables[key] == from_csv, key
        compared += 1
    assert compared >= 8
    (return_rate,) = [r for r in parser.tables["rates"] if r[0].startswith("Return rate")]
    assert return_rate[1:4] == ["3", "11", "27%"]


def test_it_checks_ownership(web_charlie, former):
    for name in ("aftercare:insights", "aftercare:insights-csv"):
        response = web_charlie.get(reverse(name))
        assert response.status_code == 200
        assert "Acme" not in response.content.decode()
