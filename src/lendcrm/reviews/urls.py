from __future__ import annotations

from django.urls import path

from lendcrm.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("rules/", views.rules, name="rules"),
    path("tasks/<int:task_id>/", views.workspace, name="workspace"),
    path("tasks/<int:task_id>/claim/", views.claim, name="claim"),
    path("tasks/<int:task_id>/release/", views.release, name="release"),
    path("tasks/<int:task_id>/reassign/", views.reassign, name="reassign"),
    path("tasks/<int:task_id>/opinion/", views.opinion, name="opinion"),
    path("tasks/<int:task_id>/call/", views.call, name="call"),
    path("tasks/<int:task_id>/phone-checks/", views.phone_check, name="phone_check"),
]
