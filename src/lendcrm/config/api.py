"""The JSON API under /api/v1: one NinjaAPI, one router per app."""

from __future__ import annotations

from ninja import NinjaAPI

from lendcrm.core.api_errors import install_error_handlers
from lendcrm.identity.api import router as auth_router
from lendcrm.identity.auth import bearer

api = NinjaAPI(
    title="lendcrm API",
    version="1",
    description="Lending CRM and risk-decision platform. Authenticate with "
    "`POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`.",
    auth=bearer,
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/auth", auth_router)
