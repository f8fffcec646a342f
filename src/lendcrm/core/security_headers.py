"""Content-Security-Policy on every response (Django 5.2 has no built-in CSP).

The other security headers (X-Frame-Options, nosniff, Referrer-Policy, COOP, HSTS) come from
Django's SecurityMiddleware and XFrameOptionsMiddleware, configured in settings.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

DEFAULT_CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)


def content_security_policy() -> str:
    policy: str = getattr(
        settings, "LENDCRM_CONTENT_SECURITY_POLICY", DEFAULT_CONTENT_SECURITY_POLICY
    )
    return policy


class ContentSecurityPolicyMiddleware:
    """Adds the policy unless the view already set one of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = content_security_policy()
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
