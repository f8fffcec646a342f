from __future__ import annotations

from django.urls import path

from lendcrm.identity import admin_views, views

app_name = "identity"
urlpatterns = [
    path("users/", admin_views.users, name="users"),
    path("users/<int:pk>/", admin_views.user, name="user"),
    path("users/<int:pk>/unlock/", admin_views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/reset-2fa/", admin_views.user_reset_otp, name="user_reset_otp"),
    path("security/", admin_views.security, name="security"),
    path("channel-keys/", admin_views.channel_keys, name="channel_keys"),
    path(
        "channel-keys/<str:prefix>/rotate/",
        admin_views.channel_key_rotate,
        name="channel_key_rotate",
    ),
    path(
        "channel-keys/<str:prefix>/revoke/",
        admin_views.channel_key_revoke,
        name="channel_key_revoke",
    ),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:prefix>/revoke/", views.token_revoke, name="token_revoke"),
    path("2fa/setup/", views.otp_setup, name="otp_setup"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
]
