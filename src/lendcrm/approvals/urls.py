from __future__ import annotations

from django.urls import path

from lendcrm.approvals import views

app_name = "approvals"
urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("delegations/", views.delegations, name="delegations"),
    path(
        "delegations/<int:delegation_id>/revoke/",
        views.delegation_revoke,
        name="delegation_revoke",
    ),
    path("settings/", views.settings_page, name="settings"),
    path("chains/new/", views.chain_edit, name="chain_new"),
    path("chains/<int:chain_id>/", views.chain_edit, name="chain_edit"),
    path("routes/new/", views.route_edit, name="route_new"),
    path("routes/<int:route_id>/", views.route_edit, name="route_edit"),
]
