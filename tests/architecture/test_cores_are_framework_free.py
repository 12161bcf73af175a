"""The domain cores (goodterms.tone, goodterms.playbook) never import Django. Skipped until a core exists."""

import importlib.util
import subprocess
import sys

import pytest

CORES = ["goodterms.tone", "goodterms.playbook", "goodterms.templating", "goodterms.lib"]


@pytest.mark.parametrize("core", CORES)
def test_core_imports_without_django(core):
    if importlib.util.find_spec(core) is None:
        pytest.skip(f"{core} is not written yet")
    code = (
        f"import sys, {core}; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
