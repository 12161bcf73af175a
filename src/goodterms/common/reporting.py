"""Django's error reports (the DEBUG page, mailed reports) with URL passwords masked too.

Django hides settings whose names look secret (PASSWORD, KEY, TOKEN…); a URL carries its password inside
the value (`postgres://app:secret@db`), so every string shown is masked as well (lib/redact.py).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from goodterms.lib.redact import mask_url_password


class MaskingReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = re.compile("API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|_URL$|DSN", flags=re.I)

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return mask_url_password(cleansed)
        return cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        return [
            (name, mask_url_password(value) if isinstance(value, str) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class MaskingExceptionReporter(ExceptionReporter):
    """The whole report, the exception's own text included ("could not connect to postgres://…"), masked."""

    def get_traceback_html(self) -> SafeString:
        return mark_safe(mask_url_password(str(super().get_traceback_html())))  # noqa: S308 (Django's own HTML)

    def get_traceback_text(self) -> SafeString:
        return mark_safe(mask_url_password(str(super().get_traceback_text())))  # noqa: S308
