from django.urls import path

from goodterms.accounts.views import account, invitations, members, security, settings, setup, signin

urlpatterns = [
    path("setup/", setup.setup, name="setup"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", signin.SignOutView.as_view(), name="logout"),
    path("healthz", signin.healthz, name="healthz"),
    path("favicon.ico", signin.favicon, name="favicon"),
    path("members/", members.members, name="members"),
    path("members/invite/", members.invite, name="invite"),
    path("members/invitations/<int:pk>/revoke/", members.revoke_invitation, name="revoke-invitation"),
    path("members/<int:pk>/remove/", members.remove_member, name="remove-member"),
    path("members/<int:pk>/deactivate/", members.deactivate_member, name="deactivate-member"),
    path("members/<int:pk>/reactivate/", members.reactivate_member, name="reactivate-member"),
    path("members/<int:pk>/role/", members.member_role, name="member-role"),
    path("members/<int:pk>/transfer/", members.transfer_ownership, name="transfer-ownership"),
    path("account/password/", account.password_change, name="password-change"),
    path("account/sessions/", account.sessions, name="sessions"),
    path("account/sessions/<int:pk>/end/", account.session_revoke, name="session-revoke"),
    path("account/sessions/end-others/", account.sessions_revoke_others, name="sessions-revoke-others"),
    path("security/", security.security_log, name="security-log"),
    path("password-reset/", signin.password_reset, name="password-reset"),
    path("password-reset/<str:token>/", signin.password_reset_confirm, name="password-reset-confirm"),
    path("settings/", settings.org_settings, name="org-settings"),
    path("invite/<str:token>/", invitations.accept_invitation, name="accept-invitation"),
]
