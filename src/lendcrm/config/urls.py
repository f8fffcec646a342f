from __future__ import annotations

from django.urls import include, path

from lendcrm.config.api import api
from lendcrm.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("identity/", include("lendcrm.identity.urls")),
    path("audit/", include("lendcrm.audit.urls")),
    path("customers/", include("lendcrm.customers.urls")),
    path("leads/", include("lendcrm.leads.urls")),
    path("sales/", include("lendcrm.sales.urls")),
    path("loans/", include("lendcrm.loans.urls")),
    path("scoring/", include("lendcrm.scoring.urls")),
    path("decisions/", include("lendcrm.decisions.urls")),
    path("applications/", include("lendcrm.applications.urls")),
    path("documents/", include("lendcrm.documents.urls")),
    path("approvals/", include("lendcrm.approvals.urls")),
    path("contracts/", include("lendcrm.contracts.urls")),
    path("reviews/", include("lendcrm.reviews.urls")),
    path("", include("lendcrm.ui.urls")),
]
