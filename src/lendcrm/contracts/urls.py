from __future__ import annotations

from django.urls import URLPattern, path

from lendcrm.contracts import views

app_name = "contracts"
urlpatterns: list[URLPattern] = [
    path("<int:contract_id>/", views.detail, name="detail"),
    path("<int:contract_id>/download/", views.download, name="download"),
    path("<int:contract_id>/signing-link/", views.signing_link, name="signing_link"),
    path("<int:contract_id>/cancel/", views.cancel, name="cancel"),
    path("applications/<int:application_id>/", views.application_panel, name="panel"),
    path("applications/<int:application_id>/generate/", views.generate, name="generate"),
    path("sign/<str:token>/", views.sign, name="sign"),
    path("sign/<str:token>/document.pdf", views.sign_document, name="sign_document"),
]
