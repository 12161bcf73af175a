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
        from goodterms.clients.signals import client_facts_changed, contact_data_requested, contact_forgetting
        from goodterms.exits import selectors, services

        def client_changed(sender: Any, *, organization: Any, client_ids: list[int], **_: Any) -> None:
            services.exits_replan_for_clients(org=organization, client_ids=client_ids)

        def rules_changed(sender: Any, *, organization: Any, **_: Any) -> None:
            services.exits_replan_for_org(org=organization)

        client_facts_changed.connect(client_changed, weak=False, dispatch_uid="exits-replan-clients")
        planning_rules_changed.connect(rules_changed, weak=False, dispatch_uid="exits-replan-org")

        def forgetting(sender: Any, *, organization: Any, contact: Any, **_: Any) -> None:
            services.steps_forget_contact(org=organization, contact=contact)

        def data(sender: Any, *, organization: Any, contact: Any, **_: Any) -> dict[str, Any]:
            return selectors.contact_steps_data(org=organization, contact=contact)

        contact_forgetting.connect(forgetting, weak=False, dispatch_uid="exits-forget-contact")
        contact_data_requested.connect(data, weak=False, dispatch_uid="exits-contact-data")
