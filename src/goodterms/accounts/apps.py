from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "goodterms.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Every sign-in makes the session row that keeps it alive (accounts/sessions.py) and a line of the
        security log; a sign-out removes the row. `check --deploy` makes sure the CSRF middleware is there."""
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.core import checks

        from goodterms.accounts import sessions
        from goodterms.accounts.securitylog import security_event
        from goodterms.common import csrf
        from goodterms.lib.vocabulary import SecurityEvent

        def signed_in(sender: Any, *, request: Any, user: Any, **_: Any) -> None:
            row = sessions.session_started(request=request, user=user)
            security_event(SecurityEvent.SIGNIN, request=request, actor=user, session=row.pk)

        def signed_out(sender: Any, *, request: Any, user: Any, **_: Any) -> None:
            sessions.session_ended(request=request)
            if user is not None:
                security_event(SecurityEvent.SIGNOUT, request=request, actor=user)

        user_logged_in.connect(signed_in, weak=False, dispatch_uid="goodterms-session-start")
        user_logged_out.connect(signed_out, weak=False, dispatch_uid="goodterms-session-end")
        checks.register(csrf.check_installed, checks.Tags.security, deploy=True)
