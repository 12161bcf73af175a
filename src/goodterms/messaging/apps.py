from typing import Any

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "goodterms.messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Deliver the accounts app's mail to users (messaging/account_mail.py), and erase a contact's
        messages when the clients app forgets the contact (messaging/erasure.py): both apps are below this
        one and announce with signals; and cancel the unsent messages of steps that leave an exit's plan."""
        from goodterms.accounts.signals import account_mail
        from goodterms.clients.signals import contact_data_requested, contact_forgetting
        from goodterms.exits.signals import steps_leaving_plan
        from goodterms.messaging import erasure, services
        from goodterms.messaging.account_mail import send_account_mail

        def steps_leaving(sender: Any, *, organization: Any, step_ids: list[int], **_: Any) -> int:
            return services.messages_cancel_for_steps(org=organization, step_ids=step_ids)

        steps_leaving_plan.connect(steps_leaving, weak=False, dispatch_uid="messaging-steps-leaving")

        account_mail.connect(send_account_mail, weak=False, dispatch_uid="messaging-account-mail")
        contact_forgetting.connect(erasure.forget_contact, weak=False, dispatch_uid="messaging-forget")
        contact_data_requested.connect(erasure.contact_data, weak=False, dispatch_uid="messaging-data")
