"""Housekeeping for imports: an uploaded file that was never imported is deleted after a week."""

from __future__ import annotations

from django.utils import timezone

from goodterms.accounts.orgscope import across_orgs
from goodterms.clients.models import ImportBatch
from goodterms.clients.services import STALE_IMPORT
from goodterms.common.jobloop import Job


def stale_imports_delete() -> bool:
    """One DELETE of every organization's stale uploads: they hold people's details, and nobody came back
    for them. Returns False: one pass does all there is."""
    across_orgs(ImportBatch).filter(
        committed_at__isnull=True, created_at__lt=timezone.now() - STALE_IMPORT
    ).delete()
    return False


JOBS: tuple[Job, ...] = (Job("stale imports", stale_imports_delete, every=3600.0),)
