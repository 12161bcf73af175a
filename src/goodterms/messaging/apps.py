from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "goodterms.messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Deliver the accounts app's mail to users (messaging/account_mail.py), and erase a contact's
        messages when the clients app forgets the contact (messaging/erasure.py): both apps are below this
        one and announce with signals."""
        from goodterms.accounts.signals import account_mail
        from goodterms.clients.signals import contact_data_requested, contact_forgetting
        from goodterms.messaging import erasure
        from goodterms.messaging.account_mail import send_account_mail

        account_mail.connect(send_account_mail, weak=False, dispatch_uid="messaging-account-mail")
        contact_forgetting.connect(erasure.forget_contact, weak=False, dispatch_uid="messaging-forget")
        contact_data_requested.connect(erasure.contact_data, weak=False, dispatch_uid="messaging-data")
