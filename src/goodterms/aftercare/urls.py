from django.urls import path

from goodterms.aftercare.views import asks, exits, former, insights, outcomes, settings, touches, touchpoints

app_name = "aftercare"
urlpatterns = [
    path("", former.home, name="home"),
    path("settings/", settings.aftercare_settings, name="settings"),
    path("insights/", insights.insights, name="insights"),
    path("insights.csv", insights.insights_csv, name="insights-csv"),
    path("exits/<int:pk>/", exits.exit_aftercare, name="exit"),
    path("exits/<int:pk>/log/", touches.log_touch, name="log"),
    path("exits/<int:pk>/ask/", asks.ask, name="ask"),
    path("exits/<int:pk>/asks/<int:ask_pk>/answer/", asks.answer, name="answer"),
    path("exits/<int:pk>/outcome/", outcomes.record, name="outcome"),
    path("exits/<int:pk>/cadence/", settings.client_cadence, name="cadence"),
    path("exits/<int:pk>/touchpoints/<int:touchpoint_pk>/skip/", touchpoints.skip, name="skip"),
    path("exits/<int:pk>/touchpoints/<int:touchpoint_pk>/retry/", touchpoints.retry, name="retry"),
]
