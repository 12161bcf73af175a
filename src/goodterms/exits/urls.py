from django.urls import path

from goodterms.exits import views, views_calendar

app_name = "exits"
urlpatterns = [
    path("", views.exit_list, name="list"),
    path("week/", views.dashboard, name="dashboard"),
    path("start/<int:client_pk>/", views.exit_start, name="start"),
    path("<int:pk>/", views.exit_detail, name="detail"),
    path("<int:pk>/edit/", views.exit_edit, name="edit"),
    path("<int:pk>/cancel/", views.exit_cancel, name="cancel"),
    path("<int:pk>/steps/<int:step_pk>/done/", views.step_done, name="step-done"),
    path("<int:pk>/steps/<int:step_pk>/undo/", views.step_undo, name="step-undo"),
    path("<int:pk>/steps/<int:step_pk>/move/", views.step_move, name="step-move"),
    path("<int:pk>/items/", views.item_add, name="item-add"),
    path("<int:pk>/items/<int:item_pk>/done/", views.item_done, name="item-done"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="item-delete"),
    path("<int:pk>/override/", views.readiness_override, name="override"),
    # Calendar (views_calendar.py): a call's invitation, and each user's private feed.
    path("<int:pk>/steps/<int:step_pk>/invite.ics", views_calendar.step_invite, name="step-invite"),
    path("calendar/", views_calendar.feed_settings, name="calendar"),
    path("calendar/<str:token>.ics", views_calendar.feed, name="feed"),
]
