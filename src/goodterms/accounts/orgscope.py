"""The one chokepoint through which the code reaches organization-owned data.

Every model that belongs to an organization inherits `OrgOwned`. No module outside this one uses such a
model's manager (`Model.objects`) or `get_object_or_404` on it (tests/architecture/
test_every_query_is_scoped.py reads every module to check); they call:

- `scoped(Model, org)`: the rows of one organization. `.create()` and `.bulk_create()` on it fill in the
  organization, and refuse a row of another one.
- `get_for_org(Model, org, pk=…)`: one row, or 404; another organization's id looks like a missing one.
- `across_orgs(Model)`: the rows of every organization, for the places that legitimately start without one:
  a worker job (which then handles each row within its own organization), a public link (whose token names
  the organization every later query is scoped to), and a subquery correlated (`OuterRef`) to a query that
  is scoped already.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from goodterms.accounts.models import Organization

M = TypeVar("M", bound="OrgOwned")


class OrgQuerySet(models.QuerySet[M]):
    _org: Organization | None = None

    def for_org(self, org: Organization) -> OrgQuerySet[M]:
        if org is None or org.pk is None:
            # Refuse rather than return everything: an unscoped query is the bug this module exists for.
            raise ValueError("for_org() needs a saved organization")
        scoped = self.filter(organization=org)
        scoped._org = org
        return scoped

    def _clone(self) -> Self:
        # Every filter() and order_by() makes a clone; the organization must travel with it.
        clone: Self = super()._clone()  # type: ignore[misc]  # django-stubs does not declare _clone
        clone._org = self._org
        return clone

    def _claim(self, obj: M) -> None:
        org = self._org
        if org is None:
            return
        if not obj.organization_id:
            obj.organization = org
        elif obj.organization_id != org.pk:
            raise ValueError(f"a {type(obj).__name__} of another organization cannot be created here")

    def create(self, **kwargs: Any) -> M:
        if self._org is not None:
            given = kwargs.get("organization")
            given_id = kwargs.get("organization_id", getattr(given, "pk", None))
            if given_id is not None and given_id != self._org.pk:
                raise ValueError(f"a {self.model.__name__} of another organization cannot be created here")
            kwargs.pop("organization_id", None)
            kwargs["organization"] = self._org
        return super().create(**kwargs)

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        objs = list(objs)
        for obj in objs:
            self._claim(obj)
        return super().bulk_create(objs, *args, **kwargs)


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
        _note_other_organization(queryset.model, org, lookups.get("pk"))
        raise Http404("Not found") from None
    return obj


def _note_other_organization(model: type[OrgOwned], org: Organization, pk: Any) -> None:
    """A 404 on an id that another organization has goes to the security log (the user sees a 404 still)."""
    try:
        exists = pk is not None and model.objects.filter(pk=pk).exclude(organization=org).exists()
    except (ValueError, TypeError):
        return
    if exists:
        from goodterms.accounts.securitylog import security_event  # orgscope sits below the models
        from goodterms.lib.vocabulary import SecurityEvent

        security_event(SecurityEvent.CROSS_ORG_404, org=org, model=model.__name__, id=str(pk)[:40])


def across_orgs(model: type[M]) -> OrgQuerySet[M]:
    """Every organization's rows: for worker jobs, a public link's row, and subqueries of a scoped query."""
    return cast("OrgQuerySet[M]", model.objects.all())
