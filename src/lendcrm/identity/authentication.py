"""Password sign-in for the login page and the token endpoint: lockout, sessions, audit.

Both entry points call check_credentials(); django-axes counts the failures and locks a
user name at one address after AXES_FAILURE_LIMIT of them. Every outcome is audited with the
attempted user name (scrubbed of anything shaped like personal data), never the password.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, login, logout
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.api_errors import error_body
from lendcrm.core.errors import DomainError
from lendcrm.core.logging import scrub
from lendcrm.identity.models import User

SESSION_STARTED_KEY = "lendcrm_session_started"
SESSION_LAST_SEEN_KEY = "lendcrm_session_last_seen"
_LOCKOUT_HANDLED = "_lendcrm_lockout_handled"


class LoginRefused(DomainError):
    """Wrong user name or password; the message never says which."""

    status_code = 401


class AccountLocked(LoginRefused):
    status_code = 429

    def __init__(self, minutes: int) -> None:
        super().__init__(lockout_message(minutes), field="username")
        self.minutes = minutes


def lockout_message(minutes: int) -> str:
    return _("账户已锁定，请 %(minutes)d 分钟后再试") % {"minutes": minutes}


def attempted_username(raw: str) -> str:
    """The user name as typed, safe to store in the audit log."""
    return scrub(raw.strip())[:150]


def check_credentials(request: HttpRequest, *, username: str, password: str, via: str) -> User:
    """Return the active user these credentials name, or raise LoginRefused / AccountLocked."""
    shown = attempted_username(username)
    credentials = get_credentials(username)
    if AxesProxyHandler.is_locked(request, credentials):
        raise _locked_out(request, username, shown, via)
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_event("login.failed", username=shown, metadata={"via": via, "reason": "password"})
        if getattr(request, "axes_locked_out", False):
            raise _locked_out(request, username, shown, via)
        raise LoginRefused(_("用户名或密码错误"), field="password")
    assert isinstance(user, User)
    return user


def _locked_out(request: HttpRequest, username: str, shown: str, via: str) -> AccountLocked:
    minutes = lockout_minutes_left(request, username)
    setattr(request, _LOCKOUT_HANDLED, True)
    record_event("login.locked_out", username=shown, metadata={"via": via, "minutes": minutes})
    return AccountLocked(minutes)


def lockout_minutes_left(request: HttpRequest, username: str) -> int:
    cool_off: timedelta | None = get_cool_off(request)
    if cool_off is None:
        return 0
    latest: datetime | None = AccessAttempt.objects.filter(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    ).aggregate(latest=Max("attempt_time"))["latest"]
    if latest is None:
        return math.ceil(cool_off.total_seconds() / 60)
    left = (latest + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(left / 60))


def record_api_success(request: HttpRequest, user: User, *, two_factor: str) -> None:
    """The token endpoint signs nobody in, so it clears the failure count itself."""
    AxesProxyHandler.get_implementation().reset_user_attempts(
        request, get_credentials(user.get_username())
    )
    record_event("login.succeeded", actor=user, metadata={"via": "api", "two_factor": two_factor})


def start_session(request: HttpRequest, user: User, *, two_factor: str) -> None:
    login(request, user)
    stamp_session(request)
    record_event("login.succeeded", actor=user, metadata={"via": "ui", "two_factor": two_factor})


def stamp_session(request: HttpRequest) -> None:
    now = clock.now().timestamp()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_LAST_SEEN_KEY] = now


def end_session(request: HttpRequest, *, reason: str) -> None:
    """Log the user out and audit why: "logout", or "idle"/"absolute" when the session expired."""
    user = request.user
    if user.is_authenticated:
        action = "logout" if reason == "logout" else "session.expired"
        record_event(action, actor=user, metadata={"reason": reason})
    logout(request)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: keep our own answer when check_credentials already gave one."""
    if original_response is not None and getattr(request, _LOCKOUT_HANDLED, False):
        return original_response
    message = lockout_message(lockout_minutes_left(request, _username_of(credentials)))
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(message), status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")


def _username_of(credentials: Any) -> str:
    if isinstance(credentials, dict):
        return str(credentials.get("username") or "")
    return ""
