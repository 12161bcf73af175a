"""Every query of organization-owned data goes through goodterms.accounts.orgscope (convention 4).

The check reads every module of the package (views, services, selectors, jobs, the outbox…, not only the
views) as Python syntax: a manager reached on an organization-owned model (`Message.objects…`,
`Exit._default_manager…`), `get_object_or_404()` or `get_list_or_404()`, or raw SQL, anywhere outside
orgscope.py and the migrations, fails it with the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import goodterms

SRC = Path(goodterms.__file__).parent
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
RAW = {"raw", "extra", "cursor"}


def _modules() -> list[Path]:
    return sorted(
        path for path in SRC.rglob("*.py") if "migrations" not in path.parts and path.name != "orgscope.py"
    )


def _org_owned_names() -> set[str]:
    from django.apps import apps

    from goodterms.accounts.orgscope import OrgOwned

    return {model.__name__ for model in apps.get_models() if issubclass(model, OrgOwned)}


def offences(source: str, org_owned: set[str]) -> list[tuple[int, str]]:
    """(line, what) for each unscoped query in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            if isinstance(node.value, ast.Name) and node.value.id in org_owned:
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name in SHORTCUTS:
                found.append((node.lineno, f"{name}()"))
            elif name in RAW and isinstance(func, ast.Attribute):
                found.append((node.lineno, f".{name}() (raw SQL)"))
    return found


def test_there_are_modules_and_models_to_check():
    assert len(_modules()) > 60
    assert {"Client", "Contact", "Exit", "ExitStep", "Message", "Outbox", "Invitation"} <= _org_owned_names()


def test_no_module_queries_organization_data_around_orgscope():
    org_owned = _org_owned_names()
    problems = [
        f"{path.relative_to(SRC)}:{line}: {what}"
        for path in _modules()
        for line, what in offences(path.read_text(encoding="utf-8"), org_owned)
    ]
    assert not problems, (
        "use scoped(), get_for_org() or across_orgs() from goodterms.accounts.orgscope instead:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize(
    "line",
    [
        "Message.objects.filter(pk=1)",
        "rows = Exit._default_manager.all()",
        "get_object_or_404(Client, pk=1)",
        "shortcuts.get_list_or_404(Contact)",
        "Client.objects.raw('SELECT 1')",
        "connection.cursor()",
    ],
)
def test_the_check_catches_each_way_around(line):
    assert offences(line, {"Message", "Exit", "Client", "Contact"})


@pytest.mark.parametrize(
    "line",
    [
        "scoped(Message, org).filter(pk=1)",
        "get_for_org(Exit, org, pk=1)",
        "across_orgs(Outbox).filter(state='pending')",
        "User.objects.filter(email=email)",  # a user's organization is the scope itself
        "Session.objects.all()",
    ],
)
def test_the_check_lets_the_chokepoint_through(line):
    assert offences(line, {"Message", "Exit", "Client", "Outbox"}) == []


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
    from goodterms.clients.models import Client

    with pytest.raises(ValueError, match="saved organization"):
        Client.objects.for_org(None)  # type: ignore[arg-type]  # the mistake this test makes on purpose


def test_a_scoped_create_fills_in_and_keeps_the_organization(org_a, org_b, acme):
    from goodterms.accounts.orgscope import scoped
    from goodterms.clients.models import Client, Contact

    made = scoped(Contact, org_a).filter(client=acme).create(client=acme, name="Gil Gray")
    assert made.organization_id == org_a.pk
    with pytest.raises(ValueError, match="another organization"):
        scoped(Client, org_a).create(organization=org_b, name="Smuggled")
    with pytest.raises(ValueError, match="another organization"):
        scoped(Client, org_a).bulk_create([Client(organization=org_b, name="Smuggled")])
    assert not Client.objects.filter(name="Smuggled").exists()
