"""Counting words right: "1 deliverable", "2 deliverables", "both invoices", never a bracketed plural.

Plain Python for the cores, the apps and the CLI; templates use Django's `pluralize` the same way.
"""

from __future__ import annotations

NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """`count` with the noun in the right number: plural(1, "step") is "1 step", plural(2, "step") "2 steps".
    Give the plural when it is not the singular plus "s" (plural(2, "child", "children"))."""
    return f"{count} {noun(count, singular, plural_form)}"


def noun(count: int, singular: str, plural_form: str = "") -> str:
    """The noun alone, in the right number for `count`."""
    return singular if count == 1 else plural_form or f"{singular}s"


def every(count: int, singular: str, plural_form: str = "") -> str:
    """How to say "all of them": "the deliverable" (one), "both deliverables" (two), "all 3 deliverables"."""
    if count == 1:
        return f"the {singular}"
    if count == 2:
        return f"both {noun(2, singular, plural_form)}"
    return f"all {plural(count, singular, plural_form)}"
