from __future__ import annotations

from django.urls import path

from lendcrm.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("events/<int:sequence>/", views.event, name="event"),
    path("events/<int:sequence>/verify/", views.event_verify, name="event_verify"),
    path("export.csv", views.export, name="export"),
]
