"""One person's Send, from its own process: waits for the start file, then sends the answers once.

Usage: python tests/survey/send_answer.py INVITATION_ID START_FILE  (prints "stored" or "not stored")
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> None:
    invitation_id, start = int(sys.argv[1]), Path(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodterms.settings")
    import django

    django.setup()
    from goodterms.accounts.orgscope import across_orgs
    from goodterms.survey import services
    from goodterms.survey.models import SurveyInvitation

    invitation = across_orgs(SurveyInvitation).select_related("organization").get(pk=invitation_id)
    deadline = time.monotonic() + 60
    while not start.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    stored = services.response_send(
        invitation=invitation, answers={"worked": f"from {os.getpid()}"}, consent=False
    )
    print("stored" if stored else "not stored")


if __name__ == "__main__":
    main()
