"""Scoped reads of applications (进件) for other apps: the customer 360 page and its timeline."""

from __future__ import annotations

from typing import Any

from django.db.models import DateTimeField, QuerySet
from django.db.models.functions import Coalesce

from lendcrm.applications.models import Application
from lendcrm.identity.scoping import scoped

CUSTOMER_APPLICATIONS_LIMIT = 50


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
