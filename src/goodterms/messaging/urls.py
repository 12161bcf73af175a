from django.urls import path

from goodterms.messaging import views, views_templates

app_name = "messaging"
urlpatterns = [
    # One exit's people and messages (views.py)
    path("exit/<int:exit_pk>/", views.board, name="board"),
    path("exit/<int:exit_pk>/goodbyes/", views.draft_goodbyes, name="draft-goodbyes"),
    path("exit/<int:exit_pk>/steps/<int:step_pk>/draft/", views.draft_for_step, name="draft-step"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/coach/", views.coach, name="coach"),
    path("<int:pk>/message.eml", views.eml, name="eml"),
    path("<int:pk>/mark/", views.mark, name="mark"),
    # The organization's message templates (views_templates.py)
    path("templates/", views_templates.template_list, name="templates"),
    path("templates/<str:kind>/", views_templates.template_edit, name="template-edit"),
    path("templates/<str:kind>/reset/", views_templates.template_reset, name="template-reset"),
]
