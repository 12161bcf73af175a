"""What the exits pages share: reaching an exit, one of its steps or checklist items, and its address."""

from __future__ import annotations

from django.urls import reverse

from goodterms.accounts.decorators import OrgRequest
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.exits.models import Exit, ExitStep, ReadinessItem


def exit_for(request: OrgRequest, pk: int) -> Exit:
    """The organization's exit, with its client, or 404."""
    return get_for_org(scoped(Exit, request.org).select_related("client"), request.org, pk=pk)


def step_for(request: OrgRequest, pk: int, step_pk: int) -> ExitStep:
    exit_ = exit_for(request, pk)
    step = get_for_org(ExitStep, request.org, pk=step_pk, exit=exit_)
    step.exit = exit_
    return step


def item_for(request: OrgRequest, pk: int, item_pk: int) -> ReadinessItem:
    exit_ = exit_for(request, pk)
    item = get_for_org(ReadinessItem, request.org, pk=item_pk, exit=exit_)
    item.exit = exit_
    return item


def exit_url(pk: int, anchor: str = "") -> str:
    return reverse("exits:detail", kwargs={"pk": pk}) + (f"#{anchor}" if anchor else "")
