"""Applies the access policy (identity.access) to every page before its view runs.

API operations are checked by the bearer-token authentication instead, because the
user of an API call is only known once its token is read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from lendcrm.identity.access import DENIED_HEADER, PUBLIC, is_allowed, requirement_for_page

logger = logging.getLogger(__name__)
API_PREFIX = "api/v1/"


def is_api_operation(request: HttpRequest) -> bool:
    match = request.resolver_match
    return bool(
        match
        and match.route.startswith(API_PREFIX)
        and match.namespace == "api"
        and match.url_name not in ("openapi-json", "openapi-view")
    )


class AccessPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(settings.STATIC_URL) or is_api_operation(request):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else None
        requirement = requirement_for_page(view_name)
        if requirement is None:
            logger.error("route without an access policy entry refused", extra={"view": view_name})
            return _denied("route not declared in the access policy")
        if requirement == PUBLIC or is_allowed(request.user, requirement):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _denied("your role may not open this page")


def _denied(message: str) -> HttpResponse:
    response = HttpResponseForbidden(message)
    response[DENIED_HEADER] = "policy"
    return response
