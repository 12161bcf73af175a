"""The importer's parsers are plain Python: no Django, directly or through another module, lazily or not.

Only goodterms.clients.importing.preview uses Django (it cleans each value with the web forms' own fields),
and the package's __init__ loads it only when one of its names is asked for, which no parser does. Two
checks, because each misses what the other finds: a fresh interpreter imports each parser, or reads files
through them all, and finds no Django module loaded (this sees what third-party packages import); and every
import statement a parser can reach in goodterms' source, inside functions too, is read from the code, so
an `import django` on a path the files do not take is found as well.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import goodterms

PACKAGE = "goodterms.clients.importing"
PARSERS = [
    PACKAGE,
    *(
        f"{PACKAGE}.{name}"
        for name in ("fields", "rows", "decoding", "csvfile", "vcard", "upload", "summary")
    ),
]
SRC = Path(goodterms.__file__).parent.parent

NO_DJANGO = "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"


@pytest.mark.parametrize("module", PARSERS)
def test_a_parser_imports_without_django(module):
    subprocess.run([sys.executable, "-c", f"import sys, {module}\n{NO_DJANGO}"], check=True)


READ_FILES = """
import sys
from goodterms.clients.importing import fields, rows, summary, upload

text = "Client;Contact;Email\\nAcme;Dana;dana@acme.example\\n"
csv = upload.read_upload("people.csv", text.encode("utf-16"))
mapping = fields.mapping_from_json(fields.mapping_to_json(fields.guess_mapping(csv.header)))
assert fields.check_mapping(mapping, csv.header) == []
source = upload.read_source(file_format=csv.format, text=csv.text, delimiter=csv.delimiter, mapping=mapping)
assert source.rows[0].values["email"] == "dana@acme.example"

card = "BEGIN:VCARD\\nVERSION:3.0\\nFN:Dana\\nEMAIL:d@a.example\\nEMAIL:e@a.example\\nEND:VCARD\\n"
cards = upload.read_upload("people.vcf", (card + "BEGIN:VCARD\\nnot a property\\nEND:VCARD\\n").encode())
source = upload.read_source(file_format=cards.format, text=cards.text, delimiter="", mapping={})
problems = [problem for row in source.rows for problem in row.problems]
assert len(problems) == 2 and source.rows[0].notes, source  # no ORG on the first; the second unreadable
assert summary.problems_by_field(problems)
assert summary.summary_message({"contacts": 1, "clients": 1, "skipped_repeated": 1}, done=False)

for name, data in [("a.csv", b"Client\\n\\xe9\\n"), ("a.xlsx", b""), ("a.csv", b'Client\\n"x\\n')]:
    try:
        upload.read_upload(name, data)
    except rows.ImportFileError:
        continue
    raise AssertionError(name)
"""


def test_reading_files_through_every_parser_loads_no_django():
    subprocess.run([sys.executable, "-c", READ_FILES + NO_DJANGO], check=True)


@pytest.mark.parametrize("module", PARSERS)
def test_no_import_a_parser_can_reach_is_django(module):
    via = reachable(module)
    django = sorted(name for name in via if name.split(".")[0] == "django")
    assert not django, [" -> ".join(chain(name, via)) for name in django]


def test_the_import_reader_finds_lazy_and_relative_imports(tmp_path, monkeypatch):
    """The check above can fail: imports inside functions, relative ones and parent packages are followed."""
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    lines = ["from typing import TYPE_CHECKING", "if TYPE_CHECKING:", "    import x", "def later():"]
    (package / "a.py").write_text("\n".join([*lines, "    from . import b", ""]))
    (package / "b.py").write_text("def later():\n    import django.forms\n")
    monkeypatch.setattr(sys.modules[__name__], "SRC", tmp_path)
    via = reachable("probe.a")
    assert chain("django.forms", via) == ["probe.a", "probe.b", "django.forms"]
    assert "x" not in via  # only for the type checker: never imported when the code runs


def module_file(name: str) -> Path | None:
    base = SRC.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imports_of(name: str, path: Path) -> set[str]:
    """Every module `name` can import when it runs (functions included, `if TYPE_CHECKING:` blocks not)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            for statement in node.orelse:
                visit(statement)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                prefix = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{prefix}.{base}" if base else prefix
            found.add(base)
            # `from package import module` imports the module too
            found.update(f"{base}.{a.name}" for a in node.names if module_file(f"{base}.{a.name}"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def reachable(module: str) -> dict[str, str]:
    """Each module that running `module` may import -> the module importing it (goodterms' own followed)."""
    via = {module: ""}
    todo = [module]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        imported = {".".join(parts[:n]) for n in range(1, len(parts))}  # a module's packages run first
        path = module_file(name)
        if path is not None:
            imported |= imports_of(name, path)
        for other in sorted(imported - via.keys()):
            via[other] = name
            todo.append(other)
    return via


def chain(name: str, via: dict[str, str]) -> list[str]:
    path = [name]
    while via[path[-1]]:
        path.append(via[path[-1]])
    return path[::-1]
