from __future__ import annotations

from django.urls import path

from lendcrm.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/<int:customer_id>/", views.application_new, name="new"),
    path("<int:application_id>/", views.application_detail, name="detail"),
    path("<int:application_id>/edit/", views.application_edit, name="edit"),
    path("<int:application_id>/submit/", views.application_submit, name="submit"),
    path("<int:application_id>/cancel/", views.application_cancel, name="cancel"),
    path("h5-link/<int:customer_id>/", views.h5_link, name="h5_link"),
    path("h5/<str:token>/", views.h5_apply, name="h5"),
]
