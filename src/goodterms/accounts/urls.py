from django.contrib.auth.views import LogoutView
from django.urls import path

from goodterms.accounts.views import invitations, members, settings, setup, signin

urlpatterns = [
    path("setup/", setup.setup, name="setup"),
    path("login/", signin.SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("healthz", signin.healthz, name="healthz"),
    path("members/", members.members, name="members"),
    path("members/invite/", members.invite, name="invite"),
    path("members/invitations/<int:pk>/revoke/", members.revoke_invitation, name="revoke-invitation"),
    path("members/<int:pk>/remove/", members.remove_member, name="remove-member"),
    path("settings/", settings.org_settings, name="org-settings"),
    path("invite/<str:token>/", invitations.accept_invitation, name="accept-invitation"),
]
