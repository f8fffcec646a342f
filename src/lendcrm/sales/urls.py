from __future__ import annotations

from django.urls import path

from lendcrm.sales import library_views, views

app_name = "sales"
urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/badge/", views.task_badge, name="task_badge"),
    path("leads/<int:lead_id>/follow-up/", views.follow_up, name="follow_up"),
    path("leads/<int:lead_id>/stage/", views.move_stage, name="move_stage"),
    path("pipeline/", views.board, name="board"),
    path("pipeline/list/", views.pipeline_list, name="pipeline_list"),
    path("funnel/", views.funnel, name="funnel"),
    path("funnel/export.csv", views.funnel_export, name="funnel_export"),
    path("scripts/", library_views.script_list, name="scripts"),
    path("scripts/new/", library_views.script_edit, name="script_new"),
    path("scripts/<int:script_id>/", library_views.script_edit, name="script_edit"),
    path("settings/", library_views.sales_settings, name="settings"),
]
