"""The one shape both readers make (goodterms.clients.importing.rows): where a problem is, in words."""

from __future__ import annotations

from goodterms.clients.importing.rows import Problem, clip


def test_a_problem_names_the_column_only_when_it_differs_from_the_field():
    assert str(Problem(4, "Email", "E-mail", "Not valid.")) == "Line 4, Email: Not valid."
    assert str(Problem(4, "Email", "Mail 2", "Not valid.")) == "Line 4, Email (from “Mail 2”): Not valid."
    assert str(Problem(7, "", "", "Unreadable.")) == "Line 7: Unreadable."
    assert Problem(1, "", "ORG", "x").where == "ORG"


def test_values_quoted_in_messages_are_clipped():
    assert clip("  short  ") == "short"
    assert clip("x" * 61) == "x" * 59 + "…"
    assert len(clip("y" * 500, 120)) == 120
