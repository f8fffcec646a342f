from __future__ import annotations

from django.urls import path

from lendcrm.customers import profile_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export/", views.customer_export, name="export"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/reveal/", views.customer_reveal, name="reveal"),
    path("<int:customer_id>/tags/add/", profile_views.tag_add, name="tag_add"),
    path("<int:customer_id>/tags/remove/", profile_views.tag_remove, name="tag_remove"),
    path("<int:customer_id>/timeline/", profile_views.customer_timeline, name="timeline"),
    path("<int:customer_id>/contacts/", profile_views.contact_add, name="contact_add"),
    path(
        "<int:customer_id>/interactions/",
        profile_views.interaction_add,
        name="interaction_add",
    ),
    path("<int:customer_id>/bureau-reports/", profile_views.bureau_upload, name="bureau_upload"),
    path("bureau-reports/<int:report_id>/file/", profile_views.bureau_file, name="bureau_file"),
    path("<int:customer_id>/real-estates/", profile_views.real_estate_add, name="real_estate_add"),
    path(
        "<int:customer_id>/real-estates/<int:item_id>/",
        profile_views.real_estate_edit,
        name="real_estate_edit",
    ),
    path(
        "<int:customer_id>/real-estates/<int:item_id>/remove/",
        profile_views.real_estate_remove,
        name="real_estate_remove",
    ),
    path("<int:customer_id>/vehicles/", profile_views.vehicle_add, name="vehicle_add"),
    path(
        "<int:customer_id>/vehicles/<int:item_id>/",
        profile_views.vehicle_edit,
        name="vehicle_edit",
    ),
    path(
        "<int:customer_id>/vehicles/<int:item_id>/remove/",
        profile_views.vehicle_remove,
        name="vehicle_remove",
    ),
    path("<int:customer_id>/scores/", profile_views.score_add, name="score_add"),
    path("<int:customer_id>/scores/<int:item_id>/", profile_views.score_edit, name="score_edit"),
    path(
        "<int:customer_id>/scores/<int:item_id>/remove/",
        profile_views.score_remove,
        name="score_remove",
    ),
    path("from-lead/<int:lead_id>/", profile_views.convert_lead, name="convert_lead"),
    path("leads/<int:lead_id>/timeline/", profile_views.lead_timeline, name="lead_timeline"),
]
