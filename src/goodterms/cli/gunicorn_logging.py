"""gunicorn's logger for `goodterms serve`: the access log with link tokens redacted from every field.

A request for /invite/<token>/ or /exits/calendar/<token>.ics is logged as /invite/[redacted]/: the
access log is read by more people than the data (lib/redact.py). Each line ends with the request id that
the security log uses, so the two can be matched.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from goodterms.lib.redact import redact

ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'


class RedactingLogger(Logger):  # type: ignore[misc]  # gunicorn ships no types: Logger is Any
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        super().error(redact(msg % args if args else msg), **kwargs)

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        super().warning(redact(msg % args if args else msg), **kwargs)
