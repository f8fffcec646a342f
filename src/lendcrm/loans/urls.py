from __future__ import annotations

from django.urls import path

from lendcrm.loans import views

app_name = "loans"
urlpatterns = [
    path("", views.line_list, name="lines"),
    path("lines/<int:line_id>/", views.line_detail, name="line"),
    path("<int:loan_id>/payments/", views.post_payment, name="post_payment"),
    path("eod/", views.eod, name="eod"),
    path("eod/progress/", views.eod_progress, name="eod_progress"),
]
