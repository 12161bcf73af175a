"""Views reach organization data only through goodterms.accounts.orgscope (convention 4)."""

import re
from pathlib import Path

import goodterms

SRC = Path(goodterms.__file__).parent
VIEW_FILES = sorted(p for p in SRC.rglob("*.py") if p.name.startswith("views") or p.parent.name == "views")


def test_there_are_views_to_check():
    assert len(VIEW_FILES) >= 3


def test_no_view_queries_a_model_manager_directly():
    offenders = []
    for path in VIEW_FILES:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\b[A-Z]\w*\.objects\.", line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not offenders, "use scoped()/get_for_org() from accounts.orgscope instead:\n" + "\n".join(
        offenders
    )


def test_every_org_owned_model_uses_the_scoping_base():
    from django.apps import apps

    from goodterms.accounts.orgscope import OrgOwned

    unscoped = [
        model.__name__
        for model in apps.get_models()
        if model.__module__.startswith("goodterms.")
        and any(f.name == "organization" for f in model._meta.get_fields())
        and not issubclass(model, OrgOwned)
        and model.__name__ != "User"  # a user's organization is the scope itself
    ]
    assert not unscoped


def test_for_org_refuses_to_run_unscoped():
    import pytest

    from goodterms.clients.models import Client

    with pytest.raises(ValueError, match="saved organization"):
        Client.objects.for_org(None)  # type: ignore[arg-type]  # the mistake this test makes on purpose
