from django.urls import path

from goodterms.messaging.views import board, messages, templates

app_name = "messaging"
urlpatterns = [
    path("exit/<int:exit_pk>/", board.board, name="board"),
    path("exit/<int:exit_pk>/goodbyes/", board.draft_goodbyes, name="draft-goodbyes"),
    path("exit/<int:exit_pk>/steps/<int:step_pk>/draft/", board.draft_for_step, name="draft-step"),
    path("exit/<int:exit_pk>/people/<int:contact_pk>/draft/", board.draft_person, name="draft-person"),
    path("<int:pk>/", messages.edit, name="edit"),
    path("<int:pk>/coach/", messages.coach, name="coach"),
    path("<int:pk>/message.eml", messages.eml, name="eml"),
    path("<int:pk>/mark/", messages.mark, name="mark"),
    path("templates/", templates.template_list, name="templates"),
    path("templates/<str:kind>/", templates.template_edit, name="template-edit"),
    path("templates/<str:kind>/reset/", templates.template_reset, name="template-reset"),
]
