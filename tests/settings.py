"""The settings the test suite runs with: goodterms' own, with the few overrides a test run needs.

pyproject.toml points pytest-django here. Processes the tests start (`goodterms run`, the workers, the CLI)
run with goodterms.settings, as they would on a server (tests/realservers.py, tests/cli/conftest.py).
"""

from goodterms.settings import *  # noqa: F403 (the real settings, every one of them)
from goodterms.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: the tests make many users
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # tests read django.core.mail.outbox
WHITENOISE_AUTOREFRESH = True  # serve from the finders: the tests never run collectstatic
