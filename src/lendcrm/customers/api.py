"""Customer endpoints under /api/v1/customers: scoped reads, masked values, audited reveal."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from lendcrm.customers.models import Customer
from lendcrm.customers.queries import CustomerFilters, get_customer_for_user, list_customers
from lendcrm.customers.schemas import (
    DETAIL_FIELDS,
    LIST_FIELDS,
    CustomerDetailOut,
    CustomerListQuery,
    CustomerOut,
    CustomerPageOut,
    RevealIn,
    RevealOut,
    owner_name,
)
from lendcrm.customers.services import reveal_customer_field
from lendcrm.privacy.masking import Grants, display_dict, load_grants, sensitive_fields

router = Router(tags=["customers"])


@router.get("", response=CustomerPageOut)
def list_customers_api(request: HttpRequest, query: Query[CustomerListQuery]) -> CustomerPageOut:
    filters = CustomerFilters(
        name=query.name, city=query.city, mobile=query.mobile, id_number=query.id_number
    )
    page = list_customers(request.user, filters=filters, cursor=query.cursor, limit=query.limit)
    grants = load_grants(request.user, page.items)
    return CustomerPageOut(
        items=[_customer_out(request, c, grants) for c in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/{int:customer_id}", response=CustomerDetailOut)
def get_customer_api(request: HttpRequest, customer_id: int) -> CustomerDetailOut:
    customer = get_customer_for_user(request.user, customer_id)
    grants = load_grants(request.user, [customer])
    shown = display_dict(customer, user=request.user, fields=DETAIL_FIELDS, grants=grants)
    revealed = {
        name: until
        for name in sensitive_fields(customer)
        if (until := grants.expires_at(customer, name)) is not None
    }
    return CustomerDetailOut(
        id=customer.pk, owner=owner_name(customer.owner), revealed_until=revealed, **shown
    )


@router.post("/{int:customer_id}/reveal", response=RevealOut)
def reveal_customer_api(request: HttpRequest, customer_id: int, payload: RevealIn) -> RevealOut:
    customer = get_customer_for_user(request.user, customer_id)
    revealed = reveal_customer_field(
        user=request.user, customer=customer, field=payload.field, reason=payload.reason
    )
    return RevealOut(field=revealed.field, value=revealed.value, expires_at=revealed.expires_at)


def _customer_out(request: HttpRequest, customer: Customer, grants: Grants) -> CustomerOut:
    shown = display_dict(customer, user=request.user, fields=LIST_FIELDS, grants=grants)
    return CustomerOut(id=customer.pk, owner=owner_name(customer.owner), **shown)
