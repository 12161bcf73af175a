"""CSV and vCard export of the client list, with the list's filters, streamed in constant memory."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.securitylog import security_event
from goodterms.clients import exporting, selectors
from goodterms.clients.models import Client
from goodterms.clients.views.base import list_filters
from goodterms.lib.vocabulary import SecurityEvent


def _listed_clients(request: OrgRequest) -> QuerySet[Client]:
    """Exactly the clients the list shows with the same query string, on every page."""
    filters = list_filters(request)
    security_event(SecurityEvent.EXPORT, what="clients", filtered=any(filters.values()))
    return selectors.client_list(
        org=request.org,
        q=filters["q"],
        status=filters["status"],
        tag=filters["tag"],
        archived=bool(filters["archived"]),
    )


def _download(chunks: Iterator[str], *, content_type: str, extension: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    filename = f"goodterms-clients-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_required
@require_GET
@never_cache  # the file holds people's names and addresses: no shared or browser cache keeps a copy
def export_csv(request: OrgRequest) -> HttpResponseBase:
    rows = selectors.export_rows(org=request.org, clients=_listed_clients(request))
    return _download(exporting.csv_chunks(rows), content_type="text/csv; charset=utf-8", extension="csv")


@org_required
@require_GET
@never_cache
def export_vcard(request: OrgRequest) -> HttpResponseBase:
    contacts = selectors.export_contacts(org=request.org, clients=_listed_clients(request))
    return _download(exporting.vcards(contacts), content_type="text/vcard; charset=utf-8", extension="vcf")
