from __future__ import annotations

from django.urls import path

from lendcrm.identity import views as identity_views
from lendcrm.reporting import views as reporting_views
from lendcrm.ui import views

app_name = "ui"
urlpatterns = [
    path("", reporting_views.dashboard, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", identity_views.LogoutView.as_view(), name="logout"),
]
