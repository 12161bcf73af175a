"""Holds the test database locked from another process, as a backup tool or a long migration would.

SQLite: one EXCLUSIVE transaction on the file (no other connection may write). PostgreSQL: the worker's
tables in ACCESS EXCLUSIVE mode (every query on them waits). Inside the lock the outbox rows are made due,
so the messages fall due exactly when the lock goes. Prints "locked" once it holds the lock.

Usage: python tests/messaging/db_locker.py --seconds 45 (--sqlite PATH | --postgres DBNAME [--host …])
"""

from __future__ import annotations

import argparse
import sqlite3
import time

TABLES = "messaging_outbox, messaging_message, accounts_workerbeat"
PAST = "2000-01-01 00:00:00"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--sqlite")
    parser.add_argument("--postgres")
    parser.add_argument("--user", default="")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5432)
    args = parser.parse_args()
    if args.sqlite:
        db = sqlite3.connect(args.sqlite, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        db.execute("UPDATE messaging_outbox SET next_attempt_at = ?", (PAST,))
        print("locked", flush=True)
        time.sleep(args.seconds)
        db.execute("COMMIT")
        return
    import psycopg

    with psycopg.connect(dbname=args.postgres, user=args.user, host=args.host, port=args.port) as pg:
        pg.execute(f"LOCK TABLE {TABLES} IN ACCESS EXCLUSIVE MODE")
        pg.execute("UPDATE messaging_outbox SET next_attempt_at = %s", (PAST + "+00:00",))
        print("locked", flush=True)
        time.sleep(args.seconds)
        pg.commit()


if __name__ == "__main__":
    main()
