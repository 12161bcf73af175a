"""The `goodterms` command: one entry point for the server, the worker, backups and Django's commands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from goodterms.playbook.model import INITIATORS, REASONS, SITUATIONS  # cheap: playbooks load on first use
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
        description="Apply migrations, collect static files, then serve the app with gunicorn (the web unit "
        "of a server; `goodterms worker` is the other). Example: goodterms serve --port 8000",
    )
    serve.add_argument("--port", type=int, default=None, help="port to listen on (default: $PORT or 8000)")
    serve.add_argument(
        "--prepared", action="store_true", help="skip migrations and static files (`run` did them already)"
    )

    setup = sub.add_parser(
        "setup",
        help="create the organization and its owner without the setup page",
        description="Create the first organization and its owner, for a server or a container, without "
        "opening the setup page. The password comes from standard input (one line) or, with "
        "--password-env, from that environment variable; it is never an argument. With --another, create "
        "one more organization on an instance already set up (whoever runs the server is its admin). "
        "Example: echo \"$OWNER_PASSWORD\" | goodterms setup --email ada@example.org --name 'Ada Lovelace' "
        "--organization 'Lovelace Consulting'",
    )
    setup.add_argument("--email", required=True, help="the owner's email, which they sign in with")
    setup.add_argument("--name", default="", help="the owner's name (default: the part before the @)")
    setup.add_argument("--organization", required=True, help="the organization's name, as clients know it")
    setup.add_argument(
        "--password-env", metavar="VAR", help="read the password from this environment variable, not stdin"
    )
    setup.add_argument(
        "--another", action="store_true", help="add another organization to an instance already set up"
    )

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
        "database; messages that were waiting to be sent in it come back held, sent again only when you "
        "say so. Stop goodterms first. Example: goodterms restore backup.sqlite3",
    )
    restore.add_argument("path", help="the snapshot file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    hold = sub.add_parser(
        "hold-pending",
        help="hold every message that was waiting to be sent (after restoring a database)",
        description="Hold the messages that were queued, sending or held in a restored database, so "
        "nothing pending is sent again without the user's say: each comes back held, and the user sends "
        "it again from its page. `goodterms restore` does this itself; run it after pg_restore, before "
        "the worker starts. Example: goodterms hold-pending",
    )
    del hold

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

    plan = sub.add_parser(
        "plan",
        help="print the dated plan for an ending, without a database",
        description="Make the plan for one ending from a shipped playbook (--situation) or your own file "
        "(--playbook) and print it: warnings first, then each step with its date, channel, why and, for "
        "calls, talking points. Nothing is saved. Exits 2 on bad input. "
        "Example: goodterms plan --situation i-am-ending --notice 2026-06-01 --end 2026-07-31 "
        '--country GB --contact "Dana Reyes"',
    )
    source = plan.add_mutually_exclusive_group(required=True)
    source.add_argument("--situation", metavar="ID", help=f"a shipped playbook: {', '.join(SITUATIONS)}")
    source.add_argument("--playbook", metavar="FILE", help="a playbook file of your own (YAML) instead")
    plan.add_argument("--notice", metavar="YYYY-MM-DD", required=True, help="the day the client is told")
    plan.add_argument("--end", metavar="YYYY-MM-DD", required=True, help="the last working day")
    plan.add_argument("--today", metavar="YYYY-MM-DD", help="plan as of this day (default: today)")
    plan.add_argument(
        "--format",
        dest="output_format",
        choices=["text", "json"],
        default="text",
        help="text (default): a timeline; json: the plan as one JSON document",
    )
    plan.add_argument(
        "--initiated-by",
        choices=INITIATORS,
        help="who ends it (default: client for client-ended, else me)",
    )
    plan.add_argument(
        "--reason",
        choices=REASONS,
        metavar="REASON",
        help=f"why it ends, one of: {', '.join(REASONS)} (default: follows the situation)",
    )
    plan.add_argument(
        "--money-affected",
        action=argparse.BooleanOptionalAction,
        help="the change affects the client's money, so more notice is owed (default: on for money-change)",
    )
    plan.add_argument(
        "--sour",
        action=argparse.BooleanOptionalAction,
        help="the relationship has gone sour (default: on for sour)",
    )
    plan.add_argument(
        "--country", metavar="CC", help="skip this country's public holidays too (ISO 3166 code, like GB)"
    )
    plan.add_argument(
        "--contact",
        dest="contacts",
        metavar="NAME",
        action="append",
        default=[],
        help="someone to say goodbye to by name (repeatable); without any, one step says each contact",
    )
    plan.add_argument("--minimum-notice", type=int, metavar="N", help="days of notice your policy gives (30)")
    plan.add_argument(
        "--money-notice", type=int, metavar="N", help="days of notice when money is affected (60)"
    )
    plan.add_argument(
        "--contract-notice", type=int, metavar="N", help="days of notice the client's contract asks for"
    )

    playbooks = sub.add_parser(
        "playbooks",
        help="list the shipped playbooks, or validate playbook files",
        description="With no FILE, list the shipped playbooks: id, title, number of steps and when to use "
        "each. With files, validate them: an ok line per good file, file:line: problem lines for the rest, "
        "and exit 1 if any is wrong. Example: goodterms playbooks my-playbooks/agency-retainer.yaml",
    )
    playbooks.add_argument("files", nargs="*", metavar="FILE", help="playbook files (YAML) to validate")

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
    if args.command in ("plan", "playbooks"):  # the plan engine is plain Python too: no Django set-up
        from goodterms.cli import plan

        if args.command == "playbooks":
            return plan.playbooks_main(args.files)
        return plan.main(
            situation=args.situation,
            playbook_path=args.playbook,
            notice=args.notice,
            end=args.end,
            today=args.today,
            output_format=args.output_format,
            initiated_by=args.initiated_by,
            reason=args.reason,
            money_affected=args.money_affected,
            sour=args.sour,
            country=args.country,
            contacts=args.contacts,
            minimum_notice=args.minimum_notice,
            money_notice=args.money_notice,
            contract_notice=args.contract_notice,
        )
    if args.command == "run":
        from goodterms.cli import serve

        return serve.run(port=args.port)
    if args.command == "serve":
        from goodterms.cli import serve

        return serve.serve(port=args.port, prepared=args.prepared)
    _django_setup()
    if args.command == "setup":
        from goodterms.cli import setup

        return setup.main(
            email=args.email,
            name=args.name,
            organization=args.organization,
            password_env=args.password_env,
            another=args.another,
        )
    if args.command == "hold-pending":
        from goodterms.cli import backup

        return backup.hold_pending()
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
