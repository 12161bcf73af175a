from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "goodterms.messaging"
    default_auto_field = "django.db.models.BigAutoField"
