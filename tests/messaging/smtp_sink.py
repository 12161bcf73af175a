"""A real SMTP server for the sending tests, run in a process of its own (aiosmtpd).

It appends one JSON line per accepted message to a file (`--out`), written before the server answers 250,
so a test can count deliveries and Message-IDs even after killing a worker mid-conversation. Recipients
starting with `refuse-` get 550 (permanent) and `defer-` get 451 (temporary), to test both kinds of no.

Usage: python tests/messaging/smtp_sink.py --port 2525 --out deliveries.jsonl
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import signal
from email.message import Message as MimeMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Sink:
    def __init__(self, out: str) -> None:
        self.out = out

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith("refuse-"):
            return "550 5.1.1 No such person here"
        if address.startswith("defer-"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        parsed: MimeMessage = email.message_from_bytes(content, policy=email.policy.SMTPUTF8)
        record: dict[str, Any] = {
            "mail_from": envelope.mail_from,
            "mail_options": list(envelope.mail_options),
            "rcpt_tos": list(envelope.rcpt_tos),
            "message_id": str(parsed["Message-ID"]),
            "to": [str(value) for value in parsed.get_all("To") or []],
            "cc": parsed.get_all("Cc"),
            "from": str(parsed["From"]),
            "date": str(parsed["Date"]),
            "subject": str(parsed["Subject"]),
            "content_type": parsed.get_content_type(),
            "body": parsed.get_payload(decode=True).decode() if not parsed.is_multipart() else None,  # type: ignore[union-attr]
        }
        # One write per line with O_APPEND: a line is whole even if the test reads while we write.
        fd = os.open(self.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (json.dumps(record) + "\n").encode())
        finally:
            os.close(fd)
        return "250 2.0.0 Accepted"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--smtputf8", action="store_true", help="offer SMTPUTF8 (addresses like josé@…)")
    args = parser.parse_args()
    controller = Controller(
        Sink(args.out),
        hostname="127.0.0.1",
        port=args.port,
        server_hostname="sink.test",
        enable_SMTPUTF8=args.smtputf8,
    )
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
