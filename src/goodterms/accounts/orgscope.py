"""The one chokepoint through which views reach organization-owned data.

Every model that belongs to an organization inherits `OrgOwned`. Views never call `Model.objects`
directly (tests/architecture/test_every_query_is_scoped.py greps for it); they call `scoped()` or
`get_for_org()`, which filter by the signed-in user's organization and turn another organization's
id into a 404, exactly as if it did not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from goodterms.accounts.models import Organization

M = TypeVar("M", bound="OrgOwned")


class OrgQuerySet(models.QuerySet[M]):
    def for_org(self, org: Organization) -> OrgQuerySet[M]:
        if org is None or org.pk is None:
            # Refuse rather than return everything: an unscoped query is the bug this module exists for.
            raise ValueError("for_org() needs a saved organization")
        return self.filter(organization=org)


class OrgOwned(models.Model):
    """Abstract base: a row that belongs to exactly one organization."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")

    objects: Any = OrgQuerySet.as_manager()

    class Meta:
        abstract = True


def scoped(model: type[M], org: Organization) -> OrgQuerySet[M]:
    """All of `model`'s rows that belong to `org`."""
    # The plugin types `objects` on the abstract base, so the row type is restated here.
    return cast("OrgQuerySet[M]", model.objects.for_org(org))


def get_for_org(model: type[M] | OrgQuerySet[M], org: Organization, **lookups: Any) -> M:
    """One row of `org`'s, or 404: another organization's id looks exactly like a missing one."""
    queryset = model.for_org(org) if isinstance(model, OrgQuerySet) else scoped(model, org)
    try:
        obj: M = queryset.get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found") from None
    return obj
