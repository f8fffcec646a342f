"""Application endpoints under /api/v1/applications: create a draft, submit it, read it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from lendcrm.applications import queries, services
from lendcrm.applications.choices import ApplicationSource
from lendcrm.applications.models import Application
from lendcrm.applications.schemas import ApplicationIn, ApplicationOut, SubmitOut
from lendcrm.core.errors import NotFound
from lendcrm.customers.queries import get_customer_for_user
from lendcrm.loans.models import Product

router = Router(tags=["applications"])


def application_out(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "application_no": application.application_no,
        "customer_id": application.customer_id,
        "product": application.product.code,
        "amount": application.amount,
        "term": application.term,
        "repayment_method": application.repayment_method,
        "purpose": application.purpose,
        "source": application.source,
        "status": application.status,
        "risk_grade": application.risk_grade,
        "approved_amount": application.approved_amount,
        "approved_rate": application.approved_rate,
        "approved_term": application.approved_term,
        "approved_method": application.approved_method,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "created_at": application.created_at,
    }


@router.get("", response=list[ApplicationOut])
def list_applications_api(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    """The caller's scoped applications, newest first (at most 100)."""
    return [application_out(a) for a in queries.list_applications(request.user, status=status)]


@router.post("", response={201: ApplicationOut})
def create_application_api(request: HttpRequest, payload: ApplicationIn) -> tuple[int, Any]:
    customer = get_customer_for_user(request.user, payload.customer_id)
    product = Product.objects.filter(code=payload.product).first()
    if product is None:
        raise NotFound("unknown product", field="product")
    application = services.create_application(
        customer=customer,
        terms=services.ApplicationTerms(
            product, payload.amount, payload.term, payload.repayment_method, payload.purpose
        ),
        acting_user=request.user,
        source=ApplicationSource.API,
        profile=payload.dict(include=set(services.PROFILE_FACTS)),
    )
    return 201, application_out(application)


@router.get("/{application_id}", response=ApplicationOut)
def get_application_api(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return application_out(queries.get_application(request.user, application_id))


@router.post("/{application_id}/submit", response=SubmitOut)
def submit_application_api(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application = queries.get_application(request.user, application_id)
    outcome = services.submit_application(application, acting_user=request.user)
    return {
        "application": application_out(outcome.application),
        "route": outcome.route,
        "reason_codes": outcome.reason_codes,
        "decision_id": outcome.decision_id,
        "customer_message": outcome.customer_message,
    }
