from __future__ import annotations

from django.urls import path

from lendcrm.documents import views

app_name = "documents"
urlpatterns = [
    path(
        "applications/<int:application_id>/",
        views.application_documents,
        name="application",
    ),
    path("applications/<int:application_id>/upload/", views.upload, name="upload"),
    path("<int:document_id>/file/", views.document_file, name="file"),
]
