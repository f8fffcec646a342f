"""Middleware for signed-in browser sessions: expiry (idle and absolute) and the TOTP step.

API calls carry a bearer token, not a session, so neither applies to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from lendcrm.core import clock
from lendcrm.identity.access import PUBLIC, requirement_for_page
from lendcrm.identity.authentication import (
    SESSION_LAST_SEEN_KEY,
    SESSION_STARTED_KEY,
    end_session,
    stamp_session,
)
from lendcrm.identity.middleware import is_api_operation
from lendcrm.identity.two_factor import is_enrolled, requires_two_factor

IDLE_MINUTES_DEFAULT = 30
_TOUCH_EVERY_SECONDS = 60  # writing the session on every request would cost a query each
TWO_FACTOR_PAGES = frozenset({"identity:otp_setup", "identity:otp_verify", "ui:logout"})


def idle_limit_seconds() -> float:
    return float(getattr(settings, "LENDCRM_SESSION_IDLE_MINUTES", IDLE_MINUTES_DEFAULT)) * 60


def expiry_reason(session: Any, now: float) -> str | None:
    """Why the session has expired ("absolute" or "idle"), or None while it is still valid."""
    started = session.get(SESSION_STARTED_KEY)
    last_seen = session.get(SESSION_LAST_SEEN_KEY)
    if started is None or last_seen is None:
        return None
    if now - float(started) > settings.SESSION_COOKIE_AGE:
        return "absolute"
    if now - float(last_seen) > idle_limit_seconds():
        return "idle"
    return None


class SessionExpiryMiddleware:
    """Ends a session idle for LENDCRM_SESSION_IDLE_MINUTES or older than SESSION_COOKIE_AGE.

    Django's own expiry slides forward whenever the session is saved, so the absolute limit
    is kept here, counted from sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = clock.now().timestamp()
        if session.get(SESSION_STARTED_KEY) is None:
            stamp_session(request)
            return
        reason = expiry_reason(session, now)
        if reason is not None:
            end_session(request, reason=reason)
            messages.warning(request, _("会话已超时，请重新登录"))
        elif now - float(session[SESSION_LAST_SEEN_KEY]) >= _TOUCH_EVERY_SECONDS:
            session[SESSION_LAST_SEEN_KEY] = now


class TwoFactorMiddleware:
    """Until a user whose role requires 2FA passes the TOTP step, only that step opens."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or is_api_operation(request):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in TWO_FACTOR_PAGES or requirement_for_page(view_name) == PUBLIC:
            return None
        if user.is_verified() or not requires_two_factor(user):
            return None
        step = "identity:otp_verify" if is_enrolled(user) else "identity:otp_setup"
        url = f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
