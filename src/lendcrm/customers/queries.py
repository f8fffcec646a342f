"""Scoped reads of customers: every list, page, API call and export starts here."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lendcrm.core.cn_ids import normalise_id_number, normalise_mobile
from lendcrm.core.errors import DomainError
from lendcrm.core.fields import BlindIndexField, index_value
from lendcrm.core.masking import mask_id_number, mask_mobile
from lendcrm.customers.models import Customer
from lendcrm.identity.scoping import get_scoped, scoped

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class CustomerFilters:
    """Name contains; city equals; mobile and ID number match exactly, through the blind index."""

    name: str = ""
    city: str = ""
    mobile: str = ""
    id_number: str = ""

    @classmethod
    def from_search(cls, q: str, *, city: str = "") -> CustomerFilters:
        """One search box: a mobile or ID number is looked up exactly, anything else by name."""
        text = q.strip()
        mobile = normalise_mobile(text)
        if len(mobile) == 11 and mobile.isdigit():
            return cls(mobile=mobile, city=city.strip())
        id_number = normalise_id_number(text)
        if len(id_number) in (15, 18) and id_number[:-1].isdigit():
            return cls(id_number=id_number, city=city.strip())
        return cls(name=text, city=city.strip())

    def for_audit(self) -> dict[str, str]:
        """The filters as an audit record may hold them: identifiers masked, empty ones left out."""
        shown = {
            "name": self.name,
            "city": self.city,
            "mobile": mask_mobile(self.mobile),
            "id_number": mask_id_number(self.id_number),
        }
        return {key: value for key, value in shown.items() if value}


@dataclass(frozen=True)
class CustomerPage:
    items: list[Customer]
    next_cursor: str | None


def filtered_customers(user: Any, filters: CustomerFilters) -> QuerySet[Customer]:
    """The customers in the user's data scope matching the filters, newest first."""
    customers = scoped(Customer.objects.select_related("owner"), user)
    if filters.name:
        customers = customers.filter(name__icontains=filters.name.strip())
    if filters.city:
        customers = customers.filter(city=filters.city.strip())
    if filters.mobile:
        customers = customers.filter(mobile_index=_index("mobile_index", filters.mobile))
    if filters.id_number:
        customers = customers.filter(id_number_index=_index("id_number_index", filters.id_number))
    return customers.order_by("-created_at", "-id")


def _index(field_name: str, raw: str) -> str:
    # The model field's own purpose and normaliser, so a lookup hashes exactly as a save does.
    field = Customer._meta.get_field(field_name)
    assert isinstance(field, BlindIndexField)
    return index_value(raw, purpose=field.purpose, normaliser=field.normaliser)


def list_customers(
    user: Any, *, filters: CustomerFilters, cursor: str = "", limit: int = PAGE_SIZE
) -> CustomerPage:
    """One page in (-created_at, -id) order; `cursor` continues after the previous page."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    customers = filtered_customers(user, filters)
    if cursor:
        created_at, pk = decode_cursor(cursor)
        customers = customers.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
        )
    rows = list(customers[: limit + 1])
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1]) if len(rows) > limit else None
    return CustomerPage(items=items, next_cursor=next_cursor)


def get_customer_for_user(user: Any, customer_id: Any) -> Customer:
    """The customer if it is in the user's data scope; NotFound otherwise, never 'forbidden'."""
    return get_scoped(Customer.objects.select_related("owner", "team", "branch"), user, customer_id)


def encode_cursor(customer: Customer) -> str:
    raw = f"{customer.created_at.isoformat()}|{customer.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, _sep, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        created_at = datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("cursor time without a time zone")
        return created_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise DomainError(_("翻页参数无效，请从第一页重新查询"), field="cursor") from exc
