from typing import Any

from django.apps import AppConfig


class ExitsConfig(AppConfig):
    name = "goodterms.exits"
    label = "exits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Plan running exits again when a fact they are made from changes in an app below this one.

        The clients and accounts apps cannot import this one (the layers in pyproject.toml), so they send a
        signal and this app listens. Receivers run in the sender's transaction: the change and the new
        plan are written together, and pages only read."""
        from goodterms.accounts.signals import planning_rules_changed
        from goodterms.clients.signals import client_facts_changed
        from goodterms.exits import services

        def client_changed(sender: Any, *, organization: Any, client_ids: list[int], **_: Any) -> None:
            services.exits_replan_for_clients(org=organization, client_ids=client_ids)

        def rules_changed(sender: Any, *, organization: Any, **_: Any) -> None:
            services.exits_replan_for_org(org=organization)

        client_facts_changed.connect(client_changed, weak=False, dispatch_uid="exits-replan-clients")
        planning_rules_changed.connect(rules_changed, weak=False, dispatch_uid="exits-replan-org")
