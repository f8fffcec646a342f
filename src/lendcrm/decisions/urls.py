from __future__ import annotations

from django.urls import path

from lendcrm.decisions.views import editors, runs, versions

app_name = "decisions"
urlpatterns = [
    path("", versions.strategy_list, name="strategies"),
    path("new/", versions.strategy_new, name="strategy_new"),
    path("<int:strategy_id>/", versions.strategy_detail, name="strategy"),
    path("<int:strategy_id>/diff/", versions.diff, name="diff"),
    path("<int:strategy_id>/challenger/", versions.set_challenger, name="set_challenger"),
    path("<int:strategy_id>/challenger/clear/", versions.clear_challenger, name="clear_challenger"),
    path("<int:strategy_id>/report/", runs.report, name="report"),
    path("<int:strategy_id>/simulations/", runs.simulations, name="simulations"),
    path(
        "<int:strategy_id>/simulations/<str:job_id>/",
        runs.simulation_detail,
        name="simulation",
    ),
    path(
        "<int:strategy_id>/simulations/<str:job_id>/progress/",
        runs.simulation_progress,
        name="simulation_progress",
    ),
    path("versions/<int:version_id>/", versions.version_detail, name="version"),
    path("versions/<int:version_id>/submit/", versions.submit, name="submit"),
    path("versions/<int:version_id>/approve/", versions.approve, name="approve"),
    path("versions/<int:version_id>/return/", versions.return_to_author, name="return"),
    path("versions/<int:version_id>/publish/", versions.publish, name="publish"),
    path("versions/<int:version_id>/new-draft/", versions.new_draft, name="new_draft"),
    path("versions/<int:version_id>/inputs/", editors.inputs_edit, name="inputs_edit"),
    path("versions/<int:version_id>/steps/", editors.steps_edit, name="steps_edit"),
    path("versions/<int:version_id>/tables/<int:index>/", editors.table_edit, name="table_edit"),
    path(
        "versions/<int:version_id>/expressions/<int:index>/",
        editors.expressions_edit,
        name="expressions_edit",
    ),
    path("versions/<int:version_id>/test/", runs.test_panel, name="test_panel"),
    path("records/<str:record_id>/", runs.record_detail, name="record"),
]
