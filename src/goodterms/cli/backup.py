"""`goodterms backup` and `goodterms restore`: consistent SQLite snapshots.

The backup uses SQLite's online backup API, which copies a consistent state of the database even
while the web server and worker are writing. Restore checks the snapshot first, then copies it into
the live database with the same API, so no reader ever sees a half-copied file.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from goodterms.lib import words

PG_ADVICE = """goodterms backup writes SQLite snapshots. For PostgreSQL use its own tools:
  pg_dump --format=custom --file=goodterms.dump "$DATABASE_URL"
and to restore into an empty database, with goodterms stopped:
  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" goodterms.dump
  goodterms hold-pending    # what was waiting to be sent comes back held"""


def _database_path() -> Path | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    return Path(db["NAME"])


def backup(target: str | None) -> int:
    source_path = _database_path()
    if source_path is None:
        print(PG_ADVICE, file=sys.stderr)
        return 2
    if not source_path.exists():
        print(f"goodterms backup: no database at {source_path}", file=sys.stderr)
        return 1
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        out = Path(settings.DATA_DIR) / "backups" / f"goodterms-{stamp}.sqlite3"
    else:
        out = Path(target)
    if out.exists():
        print(f"goodterms backup: {out} exists already; choose another name", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(partial)
    try:
        with dest:
            source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # a snapshot is one self-contained file
    finally:
        dest.close()
        source.close()
    partial.replace(out)  # the finished file appears at once or not at all
    print(f"goodterms backup: wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


def check_snapshot(path: Path) -> str | None:
    """Why the file is not a usable goodterms snapshot, or None when it is."""
    if not path.is_file():
        return f"{path} does not exist"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()
            if not result or result[0] != "ok":
                return f"{path} fails SQLite's integrity check: {result[0] if result else 'no answer'}"
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        return f"{path} is not an SQLite database ({error})"
    if not {"django_migrations", "accounts_organization"} <= tables:
        return f"{path} is an SQLite database but not a goodterms one"
    return None


def restore(source: str, *, assume_yes: bool) -> int:
    target_path = _database_path()
    if target_path is None:
        print(PG_ADVICE, file=sys.stderr)
        return 2
    snapshot = Path(source)
    problem = check_snapshot(snapshot)
    if problem:
        print(f"goodterms restore: {problem}; nothing was changed", file=sys.stderr)
        return 1
    if not assume_yes:
        answer = input(f"Replace everything in {target_path} with {snapshot}? Stop goodterms first. [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("goodterms restore: nothing was changed")
            return 1
    connection.close()
    src = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    dest = sqlite3.connect(target_path, timeout=20)
    try:
        src.backup(dest)  # one transaction on the destination: readers see the old or the new database
    finally:
        dest.close()
        src.close()
    print(f"goodterms restore: {target_path} now holds the snapshot {snapshot}")
    return hold_pending()


def hold_pending() -> int:
    """What waited to be sent in the restored database comes back held (messaging/restore.py)."""
    from goodterms.messaging.restore import hold_pending_after_restore

    counts = hold_pending_after_restore()
    if counts["held"] or counts["uncertain"]:
        print(
            f"goodterms: {words.plural(counts['held'], 'message')} waiting to be sent "
            f"{'is' if counts['held'] == 1 else 'are'} held, and "
            f"{counts['uncertain']} marked uncertain: nothing is sent again until you say so on its page"
        )
    else:
        print("goodterms: no message was waiting to be sent")
    return 0
