"""What the clients pages share: the list's filters, which the export links reuse."""

from __future__ import annotations

from django.http import HttpRequest

from goodterms.clients.models import Client


def list_filters(request: HttpRequest) -> dict[str, str]:
    """The list's filters from the query string."""
    status = request.GET.get("status", "")
    return {
        "q": request.GET.get("q", "")[:200],
        "status": status if status in Client.Status.values else "",
        "tag": request.GET.get("tag", "")[:100].strip().lower(),
        "archived": "1" if request.GET.get("archived") == "1" else "",
    }
