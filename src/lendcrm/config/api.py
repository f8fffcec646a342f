"""The JSON API under /api/v1: one NinjaAPI, one router per app."""

from __future__ import annotations

from ninja import NinjaAPI

from lendcrm.applications.api import router as applications_router
from lendcrm.approvals.api import router as approvals_router
from lendcrm.audit.api import router as audit_router
from lendcrm.contracts.api import router as contracts_router
from lendcrm.core.api_errors import install_error_handlers
from lendcrm.customers.api import router as customers_router
from lendcrm.decisions.api import router as decisions_router
from lendcrm.documents.api import router as documents_router
from lendcrm.identity.api import router as auth_router
from lendcrm.identity.auth import bearer
from lendcrm.leads.api import router as leads_router
from lendcrm.loans.api import router as loans_router
from lendcrm.loans.payments_api import router as payments_router
from lendcrm.loans.schedule_api import router as schedules_router
from lendcrm.reviews.api import router as reviews_router
from lendcrm.sales.api import lead_router as sales_lead_router
from lendcrm.sales.api import router as sales_router
from lendcrm.scoring.api import router as scorecards_router

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
api.add_router("/audit", audit_router)
api.add_router("/customers", customers_router)
api.add_router("/leads", leads_router)
api.add_router("/leads", sales_lead_router)  # follow-ups and stage moves of a lead
api.add_router("/sales", sales_router)
api.add_router("/schedules", schedules_router)
api.add_router("/loans", loans_router)
api.add_router("/payments", payments_router)
api.add_router("/scorecards", scorecards_router)
api.add_router("/decisions", decisions_router)
api.add_router("/applications", applications_router)
api.add_router("/documents", documents_router)
api.add_router("/approvals", approvals_router)
api.add_router("/contracts", contracts_router)
api.add_router("/reviews", reviews_router)
