from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="exits:dashboard"), name="home"),
    path("", include("goodterms.accounts.urls")),
    path("clients/", include("goodterms.clients.urls")),
    path("exits/", include("goodterms.exits.urls")),
    path("messages/", include("goodterms.messaging.urls")),
    path("survey/", include("goodterms.survey.urls")),
    path("aftercare/", include("goodterms.aftercare.urls")),
]
