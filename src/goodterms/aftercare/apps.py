from typing import Any

from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "goodterms.aftercare"
    label = "aftercare"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Count a message that reached a former client (messaging announces it: it is below this app) as
        keeping in touch: the nearest touchpoint is done and the next follows. The receiver runs in the
        sender's transaction, so the message's state and its consequence are written together."""
        from goodterms.aftercare import services
        from goodterms.messaging.signals import messages_went_out

        def went_out(sender: Any, *, organization: Any, message_ids: list[int], **_: Any) -> int:
            return services.contacts_from_messages(org=organization, message_ids=message_ids)

        messages_went_out.connect(went_out, weak=False, dispatch_uid="aftercare-messages-went-out")

        from goodterms.aftercare import selectors
        from goodterms.exits.signals import feed_items_requested

        def feed_items(sender: Any, *, organization: Any, user: Any, since: Any, **_: Any) -> list[Any]:
            return selectors.feed_items(org=organization, user=user, since=since)

        feed_items_requested.connect(feed_items, weak=False, dispatch_uid="aftercare-feed-items")
