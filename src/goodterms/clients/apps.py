from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "goodterms.clients"
    label = "clients"
    default_auto_field = "django.db.models.BigAutoField"
