"""The politeness model is plain Python: no Django, and no numpy or scikit-learn at run time."""

from __future__ import annotations

import subprocess
import sys


def test_scoring_imports_no_django_numpy_or_scikit_learn():
    code = (
        "import sys\n"
        "from goodterms.tone.politeness import score\n"
        "assert score('Thanks! Could you help?').probability > 0.5\n"
        "heavy = {'django', 'numpy', 'sklearn', 'scipy'}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
