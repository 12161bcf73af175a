"""The `goodterms` command: one entry point for the server, the worker, backups and Django's commands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from goodterms.tone.report import KINDS  # cheap: the coach loads its rules and model on first use


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goodterms",
        description="End client relationships on good terms.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="set up the database and serve the app with its worker",
        description="Apply migrations, collect static files, then start the web server and the "
        "worker and keep them running. Example: PORT=8080 goodterms run",
    )
    run.add_argument("--port", type=int, default=None, help="port to listen on (default: $PORT or 8000)")

    serve = sub.add_parser(
        "serve",
        help="start only the web server (gunicorn)",
        description="Serve the app with gunicorn. Example: goodterms serve --port 8000",
    )
    serve.add_argument("--port", type=int, default=None, help="port to listen on (default: $PORT or 8000)")

    worker = sub.add_parser(
        "worker",
        help="start only the background worker",
        description="Run background jobs until stopped. Example: goodterms worker --once",
    )
    worker.add_argument("--once", action="store_true", help="run each job until it finds no work, then exit")

    backup = sub.add_parser(
        "backup",
        help="write a consistent snapshot of the database",
        description="Write a consistent copy of the SQLite database while goodterms runs. "
        "Example: goodterms backup var/backups/today.sqlite3",
    )
    backup.add_argument(
        "path", nargs="?", help="where to write (default: DATA_DIR/backups/goodterms-TIME.sqlite3)"
    )

    restore = sub.add_parser(
        "restore",
        help="replace the database with a snapshot",
        description="Check a snapshot made by `goodterms backup` and copy it over the "
        "database. Stop goodterms first. Example: goodterms restore backup.sqlite3",
    )
    restore.add_argument("path", help="the snapshot file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    check = sub.add_parser(
        "check",
        help="check the tone of messages with the tone coach",
        description="Read each message (a UTF-8 text file, an .eml email, or stdin for - or no FILE) and "
        "print what a client may take badly, linter style: file:line:col: severity category rule message, "
        "then a suggestion and a summary line. Exits 1 when any finding is an error, 2 on bad usage. "
        "Example: goodterms check --kind goodbye drafts/goodbye.txt",
    )
    check.add_argument(
        "files", nargs="*", metavar="FILE", help="text files or .eml emails to check; - or none reads stdin"
    )
    check.add_argument(
        "--kind",
        metavar="KIND",
        help=f"what the message is, so that the checks for that kind run too: {', '.join(KINDS)}",
    )
    check.add_argument(
        "--format",
        dest="output_format",
        choices=["text", "json"],
        default="text",
        help="text (default): a line per finding and a summary per file; json: one document for all files",
    )
    check.add_argument(
        "--rules",
        dest="rule_files",
        metavar="FILE",
        action="append",
        default=[],
        help="also load this YAML rules file (repeatable)",
    )
    check.add_argument(
        "--disable",
        metavar="ID",
        action="append",
        default=[],
        help="switch off a rule (blame.you-never) or a whole category (blame); repeatable or comma-separated",
    )

    manage = sub.add_parser(
        "manage",
        help="run one of Django's management commands",
        description="Django's manage.py. Example: goodterms manage createsuperuser",
    )
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its arguments")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "manage":
        _django_setup()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["goodterms manage", *args.args])
        return 0
    if args.command == "check":  # the tone coach is plain Python: no Django set-up, a fast start
        from goodterms.cli import check

        return check.main(
            args.files,
            kind=args.kind,
            output_format=args.output_format,
            rule_files=args.rule_files,
            disabled=args.disable,
        )
    if args.command == "run":
        from goodterms.cli import serve

        return serve.run(port=args.port)
    if args.command == "serve":
        from goodterms.cli import serve

        return serve.serve(port=args.port)
    _django_setup()
    if args.command == "worker":
        from goodterms.cli import worker

        return worker.main(once=args.once)
    if args.command == "backup":
        from goodterms.cli import backup

        return backup.backup(args.path)
    if args.command == "restore":
        from goodterms.cli import backup

        return backup.restore(args.path, assume_yes=args.yes)
    raise AssertionError(args.command)  # argparse allows only the commands above


if __name__ == "__main__":
    sys.exit(main())
