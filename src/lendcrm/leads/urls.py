from __future__ import annotations

from django.urls import path

from lendcrm.leads import rule_views, views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("reassign/", views.lead_reassign, name="reassign"),
    path("<int:lead_id>/", views.lead_detail, name="detail"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:import_id>/", views.import_detail, name="import"),
    path("imports/<int:import_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:import_id>/errors.csv", views.import_errors, name="import_errors"),
    path("settings/screening/", rule_views.screening_rules, name="screening_rules"),
    path("settings/assignment/", rule_views.assignment_rules, name="assignment_rules"),
]
