"""One exception for "the change was refused and nothing was written", with the reason in the user's words.

Services raise a subclass of `Refused` (ExitNotPossible, MessageRefused, …); views show `refused.message` and
write nothing else. `field` names the form or file field at fault, when there is one.
"""

from __future__ import annotations


class Refused(Exception):
    """Refused, nothing written: `message` says why and how to fix it; `field` names the field, if any."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
