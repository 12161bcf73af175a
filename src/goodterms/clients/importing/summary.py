"""What an import did or will do, in words: the summary message, and the problems counted by field.

Both work on plain values (the counts of `Preview.stats`, stored on the batch after a commit, and the
problems), so the pages can show a committed batch's summary without reading its file again.

Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from goodterms.clients.importing.rows import Problem


def summary_message(stats: Mapping[str, int], *, done: bool = True) -> str:
    """'Imported 12 contacts at 4 clients (3 new); skipped 2 already in goodterms.' (or 'Importing adds…')."""

    def count(n: int, word: str) -> str:
        return f"{n:,} {word}{'' if n == 1 else 's'}"

    contacts, clients = stats.get("contacts", 0), stats.get("clients", 0)
    only = stats.get("new_clients_without_contacts", 0)
    new_with_contacts = stats.get("new_clients", 0) - only
    added = []
    if contacts:
        added.append(
            f"{count(contacts, 'contact')} at {count(clients, 'client')}"
            + (f" ({new_with_contacts:,} new)" if new_with_contacts else "")
        )
    if only:
        added.append(f"{count(only, 'new client')} with no contacts")
    skipped = []
    if stats.get("skipped_existing"):
        skipped.append(f"{stats['skipped_existing']:,} already in goodterms")
    if stats.get("skipped_repeated"):
        skipped.append(f"{stats['skipped_repeated']:,} repeated in the file")
    if stats.get("left_out"):
        skipped.append(f"{stats['left_out']:,} with problems, left out for you to correct")
    if done:
        text = "Imported " + " and ".join(added) if added else "Nothing new was imported"
        text += "; skipped " + " and ".join(skipped) if skipped else ""
    else:
        text = "Importing adds " + " and ".join(added) if added else "Importing adds nothing"
        text += (", and skips " if added else "; it skips ") + " and ".join(skipped) if skipped else ""
    return text + "."


def problems_by_field(problems: Iterable[Problem]) -> list[tuple[str, int]]:
    """How many problems each field has, most first: the summary above a long list."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem.where or "Whole row"] = counts.get(problem.where or "Whole row", 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
