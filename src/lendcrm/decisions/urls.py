from __future__ import annotations

from django.urls import path

from lendcrm.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.strategy_list, name="strategies"),
    path("new/", views.strategy_new, name="strategy_new"),
    path("<int:strategy_id>/", views.strategy_detail, name="strategy"),
    path("<int:strategy_id>/diff/", views.diff, name="diff"),
    path("<int:strategy_id>/challenger/", views.set_challenger, name="set_challenger"),
    path("<int:strategy_id>/challenger/clear/", views.clear_challenger, name="clear_challenger"),
    path("<int:strategy_id>/report/", views.report, name="report"),
    path("<int:strategy_id>/simulations/", views.simulations, name="simulations"),
    path(
        "<int:strategy_id>/simulations/<str:job_id>/",
        views.simulation_detail,
        name="simulation",
    ),
    path(
        "<int:strategy_id>/simulations/<str:job_id>/progress/",
        views.simulation_progress,
        name="simulation_progress",
    ),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("versions/<int:version_id>/submit/", views.submit, name="submit"),
    path("versions/<int:version_id>/approve/", views.approve, name="approve"),
    path("versions/<int:version_id>/return/", views.return_to_author, name="return"),
    path("versions/<int:version_id>/publish/", views.publish, name="publish"),
    path("versions/<int:version_id>/new-draft/", views.new_draft, name="new_draft"),
    path("versions/<int:version_id>/inputs/", views.inputs_edit, name="inputs_edit"),
    path("versions/<int:version_id>/steps/", views.steps_edit, name="steps_edit"),
    path("versions/<int:version_id>/tables/<int:index>/", views.table_edit, name="table_edit"),
    path(
        "versions/<int:version_id>/expressions/<int:index>/",
        views.expressions_edit,
        name="expressions_edit",
    ),
    path("versions/<int:version_id>/test/", views.test_panel, name="test_panel"),
    path("records/<str:record_id>/", views.record_detail, name="record"),
]
