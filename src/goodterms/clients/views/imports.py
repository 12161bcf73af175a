"""Import pages: upload a CSV or vCard file, map the CSV's columns, preview every row, then commit once.

The views parse input and call one service or selector each; parsing and checking live in the importing
package, writes in services.py (import_upload, import_commit), reads in selectors.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from goodterms.accounts.decorators import OrgRequest, org_required
from goodterms.accounts.orgscope import get_for_org
from goodterms.clients import exporting, importing, selectors, services
from goodterms.clients.forms import ImportDefaultClientForm, ImportMappingForm, ImportUploadForm
from goodterms.clients.models import ImportBatch

PROBLEMS_SHOWN = 1000  # on the preview page; the download lists every one
SKIPPED_SHOWN = 1000


@org_required
def upload(request: OrgRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            batch = services.import_upload(
                org=request.org,
                user=request.user,
                filename=uploaded.name or "upload",
                data=uploaded.read(),
                default_client=form.cleaned_data["default_client"],
            )
        except importing.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            if batch.format == ImportBatch.Format.CSV:
                return redirect("clients:import-map", pk=batch.pk)
            return redirect("clients:import-preview", pk=batch.pk)
    context = {
        "form": form,
        "fields": importing.FIELDS,
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "max_rows": f"{importing.MAX_ROWS:,}",
    }
    return render(request, "clients/import_upload.html", context, status=400 if form.errors else 200)


@org_required
def map_columns(request: OrgRequest, pk: int) -> HttpResponse:
    batch = get_for_org(ImportBatch, request.org, pk=pk)
    if batch.committed_at is not None or batch.format != ImportBatch.Format.CSV:
        return redirect("clients:import-preview", pk=batch.pk)
    try:
        sample = selectors.import_csv_sample(batch=batch)
    except importing.ImportFileError as error:
        return render(request, "clients/import_preview.html", {"batch": batch, "file_error": error.message})
    empty = selectors.import_empty_columns(batch=batch)
    form = ImportMappingForm(
        request.POST or None,
        header=sample.header,
        initial_mapping=importing.mapping_from_json(batch.mapping),
        hidden=empty,
    )
    if request.method == "POST" and form.is_valid():
        services.import_set_mapping(batch=batch, mapping=form.mapping(), header=sample.header)
        return redirect("clients:import-preview", pk=batch.pk)
    columns = [
        (
            form[f"col_{index}"],
            [record.cells[index] for record in sample.records if index < len(record.cells)],
        )
        for index in range(len(sample.header))
        if index not in empty
    ]
    context = {
        "batch": batch,
        "form": form,
        "columns": columns,
        "delimiter": importing.DELIMITERS.get(batch.delimiter),
        "empty_names": [sample.header[index].strip() or f"column {index + 1}" for index in sorted(empty)],
        "layout": selectors.import_layout(org=request.org, header=sample.header),
    }
    return render(request, "clients/import_map.html", context, status=400 if form.errors else 200)


@org_required
def preview(request: OrgRequest, pk: int) -> HttpResponse:
    batch = get_for_org(ImportBatch, request.org, pk=pk)
    if batch.committed_at is not None:
        summary = importing.summary_message(batch.stats) if batch.stats else ""
        return render(request, "clients/import_preview.html", {"batch": batch, "summary": summary})
    client_form = None
    if batch.format == ImportBatch.Format.VCARD:
        initial = {"default_client": batch.default_client}
        client_form = ImportDefaultClientForm(request.POST or None, initial=initial)
        if request.method == "POST" and client_form.is_valid():
            services.import_set_default_client(batch=batch, name=client_form.cleaned_data["default_client"])
            return redirect("clients:import-preview", pk=batch.pk)
    elif "client_name" not in importing.mapping_from_json(batch.mapping).values():
        messages.info(request, "First choose the column that holds the client name.")
        return redirect("clients:import-map", pk=batch.pk)
    elif request.method == "POST":
        return redirect("clients:import-preview", pk=batch.pk)
    try:
        result = selectors.import_preview(org=request.org, batch=batch)
    except importing.ImportFileError as error:
        return render(request, "clients/import_preview.html", {"batch": batch, "file_error": error.message})
    stats = result.stats()
    context = {
        "batch": batch,
        "preview": result,
        "stats": stats,
        "summary": importing.summary_message(stats, done=False),
        "problems": result.problems[:PROBLEMS_SHOWN],
        "problems_by_field": importing.problems_by_field(result.problems),
        "skipped": result.skipped[:SKIPPED_SHOWN],
        "sample": [
            (row, [row.shown.get(f.key, "") for f in result.fields], result.describe(row))
            for row in result.sample
        ],
        "client_form": client_form,
        "cards_without_org": sum(1 for p in result.problems if p.message == importing.NO_ORGANIZATION),
    }
    return render(request, "clients/import_preview.html", context)


@org_required
def problems_csv(request: OrgRequest, pk: int) -> HttpResponse:
    """Every problem of the batch as a CSV file, for files with more than the page shows."""
    batch = get_for_org(ImportBatch, request.org, pk=pk)
    if batch.committed_at is not None:
        return redirect("clients:import-preview", pk=batch.pk)
    try:
        problems = selectors.import_preview(org=request.org, batch=batch).problems
    except importing.ImportFileError as error:
        problems = (importing.Problem(0, "", "", error.message),)
    response = HttpResponse(exporting.problems_csv(problems), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-problems.csv"'
    return response


@org_required
def commit(request: OrgRequest, pk: int) -> HttpResponse:
    batch = get_for_org(ImportBatch, request.org, pk=pk)
    if request.method != "POST":
        return redirect("clients:import-preview", pk=batch.pk)
    good_rows_only = request.POST.get("good_rows") == "1"
    try:
        stats = services.import_commit(batch=batch, user=request.user, good_rows_only=good_rows_only)
    except services.ImportNotPossible as error:
        if error.already_committed:
            messages.info(request, "This file was already imported; nothing was imported twice.")
            return redirect("clients:list")
        messages.error(request, error.message)
        return redirect("clients:import-preview", pk=batch.pk)
    except importing.ImportFileError as error:
        messages.error(request, f"Nothing was imported: {error.message}")
        return redirect("clients:import-preview", pk=batch.pk)
    messages.success(request, importing.summary_message(stats))
    if stats.get("left_out"):
        return redirect("clients:import-preview", pk=batch.pk)  # where the rows left out are downloaded
    return redirect("clients:list")


@org_required
def left_out_csv(request: OrgRequest, pk: int) -> HttpResponse:
    """The rows an import of the good rows left out, with the reason for each, as a CSV file."""
    batch = get_for_org(ImportBatch, request.org, pk=pk)
    if not batch.rejected_csv:
        return redirect("clients:import-preview", pk=batch.pk)
    response = HttpResponse(batch.rejected_csv, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-not-imported.csv"'
    return response


@org_required
def undo(request: OrgRequest, pk: int) -> HttpResponse:
    """Undo an import whose rows nobody has touched since (POST); the page says what stops it otherwise."""
    batch = get_for_org(ImportBatch, request.org, pk=pk)
    if request.method != "POST":
        return redirect("clients:import-preview", pk=batch.pk)
    try:
        removed = services.import_undo(batch=batch, user=request.user)
    except services.UndoRefused as error:
        messages.error(request, error.message)
        return redirect("clients:import-preview", pk=batch.pk)
    messages.success(
        request,
        f"The import of {batch.filename} is undone: {removed:,} row{'' if removed == 1 else 's'} removed.",
    )
    return redirect("clients:import-preview", pk=batch.pk)
