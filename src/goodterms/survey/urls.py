from django.urls import path

from goodterms.survey.views import answer, invitations, questions, results

app_name = "survey"
urlpatterns = [
    path("s/<str:token>/", answer.answer, name="answer"),
    path("s/<str:token>/opened/", answer.opened, name="opened"),
    path("questions/", questions.question_set, name="questions"),
    path("results/", results.all_results, name="results"),
    path("results.csv", results.all_results_csv, name="results-csv"),
    path("exits/<int:pk>/", results.exit_results, name="exit-results"),
    path("exits/<int:pk>/results.csv", results.exit_results_csv, name="exit-results-csv"),
    path("exits/<int:pk>/people/<int:contact_pk>/link/", invitations.invitation_link, name="link"),
    path("invitations/<int:pk>/withdraw/", invitations.invitation_withdraw, name="withdraw"),
]
