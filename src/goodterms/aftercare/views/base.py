"""What the aftercare pages share: reaching an exit and its rows, and the exit's aftercare address."""

from __future__ import annotations

from django.urls import reverse

from goodterms.accounts.decorators import OrgRequest
from goodterms.accounts.orgscope import get_for_org, scoped
from goodterms.aftercare.models import Ask, Touchpoint
from goodterms.clients.models import Contact
from goodterms.exits.models import Exit


def exit_for(request: OrgRequest, pk: int) -> Exit:
    """The organization's exit, with its client, or 404."""
    return get_for_org(
        scoped(Exit, request.org).select_related("client", "owner", "created_by"), request.org, pk=pk
    )


def contacts_of(exit_: Exit) -> list[Contact]:
    return list(
        scoped(Contact, exit_.organization).filter(client=exit_.client).order_by("-is_primary", "name", "pk")
    )


def touchpoint_for(request: OrgRequest, pk: int, touchpoint_pk: int) -> Touchpoint:
    exit_ = exit_for(request, pk)
    touchpoint = get_for_org(
        scoped(Touchpoint, request.org).select_related("message"), request.org, pk=touchpoint_pk, exit=exit_
    )
    touchpoint.exit = exit_
    return touchpoint


def ask_for(request: OrgRequest, pk: int, ask_pk: int) -> Ask:
    exit_ = exit_for(request, pk)
    ask = get_for_org(Ask, request.org, pk=ask_pk, exit=exit_)
    ask.exit = exit_
    return ask


def aftercare_url(pk: int, anchor: str = "") -> str:
    return reverse("aftercare:exit", kwargs={"pk": pk}) + (f"#{anchor}" if anchor else "")
