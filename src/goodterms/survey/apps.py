from typing import Any

from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "goodterms.survey"
    label = "survey"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Listen to the apps below: a cancelled exit withdraws its survey links (in the cancel's
        transaction), and a feedback request leaving the outbox gets the person's fresh link in place of
        the placeholder (messaging/signals.py), so the link is stored nowhere but as its hash; a person's
        survey is part of "Their data"; forgetting them deletes it with the contact (a CASCADE)."""
        from goodterms.clients.signals import contact_data_requested
        from goodterms.exits.signals import exit_cancelled
        from goodterms.messaging.signals import message_leaving
        from goodterms.survey import selectors, services

        def cancelled(sender: Any, *, organization: Any, exit: Any, **_: Any) -> int:  # noqa: A002
            return services.invitations_revoke_for_exit(org=organization, exit_=exit)

        def leaving(sender: Any, *, message: Any, **_: Any) -> str | None:
            return services.link_fill(message=message)

        def data(sender: Any, *, organization: Any, contact: Any, **_: Any) -> dict[str, Any]:
            return selectors.contact_data(org=organization, contact=contact)

        contact_data_requested.connect(data, weak=False, dispatch_uid="survey-contact-data")
        exit_cancelled.connect(cancelled, weak=False, dispatch_uid="survey-exit-cancelled")
        message_leaving.connect(leaving, weak=False, dispatch_uid="survey-link-fill")
