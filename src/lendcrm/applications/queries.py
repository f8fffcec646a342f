"""Scoped reads of applications (进件): the list, one application, and for other apps."""

from __future__ import annotations

from typing import Any

from django.db.models import DateTimeField, QuerySet
from django.db.models.functions import Coalesce

from lendcrm.applications.models import Application
from lendcrm.identity.scoping import get_scoped, scoped

CUSTOMER_APPLICATIONS_LIMIT = 50
LIST_LIMIT = 100


def customer_applications(user: Any, customer_id: int) -> QuerySet[Application]:
    """The customer's applications in the user's data scope, with `event_at` annotated.

    `event_at` is when the application entered the customer's history: its submission time,
    or its creation time while it is a draft. Callers order and slice.
    """
    rows = scoped(Application.objects.filter(customer_id=customer_id), user)
    return rows.select_related("product").annotate(
        event_at=Coalesce("submitted_at", "created_at", output_field=DateTimeField())
    )


def list_applications_for_customer(user: Any, customer_id: int) -> list[Application]:
    """The customer's applications the user may see, newest first (at most 50)."""
    rows = scoped(Application.objects.filter(customer_id=customer_id), user)
    return list(
        rows.select_related("product").order_by("-created_at", "-id")[:CUSTOMER_APPLICATIONS_LIMIT]
    )


def list_applications(user: Any, *, status: str = "", query: str = "") -> list[Application]:
    """The user's scoped applications, newest first, optionally by status or number prefix."""
    rows = scoped(Application.objects.all(), user).select_related("customer", "product", "owner")
    if status:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(application_no__startswith=query.strip().upper())
    return list(rows.order_by("-created_at", "-id")[:LIST_LIMIT])


def get_application(user: Any, application_id: Any) -> Application:
    """The application in the user's data scope, or NotFound: every app reads one this way."""
    return get_scoped(
        Application.objects.select_related("customer", "product", "owner"), user, application_id
    )


def latest_decision(application: Application) -> Any:
    """The applied pre-screen decision of the application, newest first, or None."""
    from lendcrm.decisions.models import DecisionRecord

    return (
        DecisionRecord.objects.filter(application=application, applied=True)
        .select_related("strategy_version__strategy")
        .order_by("-created_at")
        .first()
    )
