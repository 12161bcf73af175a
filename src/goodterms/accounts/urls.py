from django.contrib.auth.views import LogoutView
from django.urls import path

from goodterms.accounts import views

urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke-invitation"),
    path("members/<int:pk>/remove/", views.remove_member, name="remove-member"),
    path("settings/", views.org_settings, name="org-settings"),
    path("invite/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
