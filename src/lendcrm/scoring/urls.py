from __future__ import annotations

from django.urls import path

from lendcrm.scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.version_list, name="versions"),
    path("<int:version_id>/", views.version_detail, name="version"),
    path("<int:version_id>/approve/", views.approve, name="approve"),
    path("<int:version_id>/deploy/", views.deploy, name="deploy"),
    path("<int:version_id>/stability/", views.stability, name="stability"),
]
