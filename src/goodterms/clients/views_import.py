"""Import (CSV, vCard) and export. Placeholder until the import module lands."""

from django.http import HttpRequest, HttpResponse

from goodterms.accounts.decorators import org_required


@org_required
def upload(request: HttpRequest) -> HttpResponse:
    return HttpResponse("import")


@org_required
def map_columns(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("map")


@org_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("preview")


@org_required
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("commit")


@org_required
def export_csv(request: HttpRequest) -> HttpResponse:
    return HttpResponse("csv")


@org_required
def export_vcard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("vcf")
