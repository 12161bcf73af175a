from django.urls import path

from goodterms.exits.views import calendar, checklist, dashboard, exits, playbooks, steps

app_name = "exits"
urlpatterns = [
    path("", exits.exit_list, name="list"),
    path("week/", dashboard.dashboard, name="dashboard"),
    path("start/<int:client_pk>/", exits.exit_start, name="start"),
    path("<int:pk>/", exits.exit_detail, name="detail"),
    path("<int:pk>/edit/", exits.exit_edit, name="edit"),
    path("<int:pk>/cancel/", exits.exit_cancel, name="cancel"),
    path("<int:pk>/reopen/", exits.exit_reopen, name="reopen"),
    path("<int:pk>/playbook/", playbooks.switch, name="switch-playbook"),
    path("playbook-suggestion/", playbooks.suggestion, name="playbook-suggestion"),
    path("<int:pk>/steps/<int:step_pk>/done/", steps.step_done, name="step-done"),
    path("<int:pk>/steps/<int:step_pk>/undo/", steps.step_undo, name="step-undo"),
    path("<int:pk>/steps/<int:step_pk>/move/", steps.step_move, name="step-move"),
    path("<int:pk>/steps/<int:step_pk>/meeting/", steps.step_meeting, name="step-meeting"),
    path("<int:pk>/items/", checklist.item_add, name="item-add"),
    path("<int:pk>/items/<int:item_pk>/done/", checklist.item_done, name="item-done"),
    path("<int:pk>/items/<int:item_pk>/delete/", checklist.item_delete, name="item-delete"),
    path("<int:pk>/override/", checklist.readiness_override, name="override"),
    path("<int:pk>/steps/<int:step_pk>/invite.ics", calendar.step_invite, name="step-invite"),
    path("calendar/", calendar.feed_settings, name="calendar"),
    path("calendar/<str:token>.ics", calendar.feed, name="feed"),
]
