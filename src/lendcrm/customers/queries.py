"""Scoped reads of customers: every list, page, API call and export starts here."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from lendcrm.core.cn_ids import normalise_id_number, normalise_mobile
from lendcrm.core.errors import DomainError
from lendcrm.core.fields import BlindIndexField, index_value
from lendcrm.core.masking import mask_id_number, mask_mobile
from lendcrm.customers.models import (
    BureauReport,
    Customer,
    CustomerContact,
    RealEstate,
    Tag,
    TagAssignment,
    ThirdPartyScore,
    Vehicle,
)
from lendcrm.identity.choices import DataScope
from lendcrm.identity.roles import scope_of
from lendcrm.identity.scoping import get_scoped, scoped

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class CustomerFilters:
    """Name starts with; city and tag equal; mobile and ID number match exactly (blind index)."""

    name: str = ""
    city: str = ""
    mobile: str = ""
    id_number: str = ""
    tag: str = ""

    @classmethod
    def from_search(cls, q: str, *, city: str = "", tag: str = "") -> CustomerFilters:
        """One search box: a mobile or ID number is looked up exactly, anything else by name."""
        text = q.strip()
        rest = {"city": city.strip(), "tag": tag.strip()}
        mobile = normalise_mobile(text)
        if len(mobile) == 11 and mobile.isdigit():
            return cls(mobile=mobile, **rest)
        id_number = normalise_id_number(text)
        if len(id_number) in (15, 18) and id_number[:-1].isdigit():
            return cls(id_number=id_number, **rest)
        return cls(name=text, **rest)

    def for_audit(self) -> dict[str, str]:
        """The filters as an audit record may hold them: identifiers masked, empty ones left out."""
        shown = {
            "name": self.name,
            "city": self.city,
            "mobile": mask_mobile(self.mobile),
            "id_number": mask_id_number(self.id_number),
            "tag": self.tag,
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
        customers = customers.filter(name__startswith=filters.name.strip())
    if filters.city:
        customers = customers.filter(city=filters.city.strip())
    if filters.mobile:
        customers = customers.filter(mobile_index=_index("mobile_index", filters.mobile))
    if filters.id_number:
        customers = customers.filter(id_number_index=_index("id_number_index", filters.id_number))
    if filters.tag:
        # The tag's id, not a join on its name, lets the planner see how common the tag is.
        tag_id = Tag.objects.filter(name=filters.tag.strip()).values_list("pk", flat=True).first()
        if tag_id is None:
            return customers.none()
        customers = _with_tag(customers, tag_id)
    return customers.order_by("-created_at", "-id")


# Up to this many carriers a tag's customers are fetched by id and sorted; above it, walking the
# newest-first index and probing each customer is cheaper (benchmarks/customer_list.py).
RARE_TAG_LIMIT = 5000


def _with_tag(customers: QuerySet[Customer], tag_id: int) -> QuerySet[Customer]:
    carriers = TagAssignment.objects.filter(
        tag_id=tag_id, removed_at__isnull=True, customer__isnull=False
    )
    ids = list(carriers.values_list("customer_id", flat=True)[: RARE_TAG_LIMIT + 1])
    if len(ids) <= RARE_TAG_LIMIT:
        return customers.filter(pk__in=ids)
    return customers.filter(Exists(carriers.filter(customer_id=OuterRef("pk"))))


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


@dataclass(frozen=True)
class TagCount:
    tag: Tag
    count: int


TAG_COUNTS_TTL = 300  # seconds; tag changes made through customers.tags refresh at once
_TAG_COUNTS_VERSION = "customers:tag_counts:version"


def list_tag_counts(user: Any) -> list[TagCount]:
    """Every tag with how many customers in the user's data scope carry it now.

    Counting over a million customers takes a few hundred milliseconds, so the counts are
    cached per data scope; applying or removing a tag (`forget_tag_counts`) starts afresh.
    """
    scope = scope_of(user)
    version = cache.get_or_set(_TAG_COUNTS_VERSION, 1, None)
    key = f"customers:tag_counts:{version}:{scope}:{_scope_value(user, scope)}"
    counts: dict[int, int] | None = cache.get(key)
    if counts is None:
        counts = _count_tags(user, scope)
        cache.set(key, counts, TAG_COUNTS_TTL)
    return [TagCount(tag, counts.get(tag.pk, 0)) for tag in list_tags()]


def forget_tag_counts() -> None:
    try:
        cache.incr(_TAG_COUNTS_VERSION)
    except ValueError:
        cache.set(_TAG_COUNTS_VERSION, 1, None)


def _scope_value(user: Any, scope: DataScope | None) -> Any:
    if scope == DataScope.OWN:
        return user.pk
    if scope == DataScope.BRANCH:
        return user.branch_id
    if scope in (DataScope.TEAM, DataScope.AGENCY):
        return user.team_id
    return ""


def _count_tags(user: Any, scope: DataScope | None) -> dict[int, int]:
    assignments = TagAssignment.objects.filter(removed_at__isnull=True, customer__isnull=False)
    if scope != DataScope.ALL:
        assignments = assignments.filter(customer__in=scoped(Customer.objects.all(), user))
    rows = assignments.values_list("tag_id").annotate(n=Count("id")).order_by()
    return dict(rows)


def list_tags() -> list[Tag]:
    return list(Tag.objects.order_by("kind", "name"))


@dataclass(frozen=True)
class CustomerProfile:
    """Everything the customer 360 page and the detail API show besides the flat fields."""

    contacts: list[CustomerContact]
    real_estates: list[RealEstate]
    vehicles: list[Vehicle]
    bureau_reports: list[BureauReport]
    scores: list[ThirdPartyScore]
    tags: list[TagAssignment]


def get_customer_profile(customer: Customer) -> CustomerProfile:
    """The related records of a customer already read through `get_customer_for_user`."""
    return CustomerProfile(
        contacts=list(customer.contacts.order_by("kind", "id")),
        real_estates=list(customer.real_estates.order_by("id")),
        vehicles=list(customer.vehicles.order_by("id")),
        bureau_reports=list(customer.bureau_reports.order_by("-report_date", "-id")),
        scores=list(customer.scores.order_by("-as_of", "provider")),
        tags=list(
            customer.tag_assignments.filter(removed_at__isnull=True)
            .select_related("tag", "assigned_by")
            .order_by("tag__kind", "tag__name")
        ),
    )


def tags_by_customer(customers: list[Customer]) -> dict[int, list[Tag]]:
    """The active tags of each listed customer, in one query."""
    shown: dict[int, list[Tag]] = {c.pk: [] for c in customers}
    rows = TagAssignment.objects.filter(
        customer_id__in=list(shown), removed_at__isnull=True
    ).select_related("tag")
    for row in rows.order_by("tag__kind", "tag__name"):
        shown[row.customer_id].append(row.tag)  # type: ignore[index]
    return shown


def get_bureau_report_for_user(user: Any, report_id: Any) -> BureauReport:
    """A bureau report whose customer is in the user's data scope; NotFound otherwise."""
    return get_scoped(BureauReport.objects.select_related("customer"), user, report_id)


def list_loans_for_customer(user: Any, customer: Customer) -> list[Any]:
    """The customer's loan notes (借据) the user may see, newest first, with their schedules."""
    from django.db.models import Prefetch

    from lendcrm.loans.models import Installment, Loan  # loans depend on customers

    rows = scoped(Loan.objects.filter(customer=customer), user)
    schedule = Prefetch("installments", queryset=Installment.objects.order_by("period"))
    return list(
        rows.select_related("product")
        .prefetch_related(schedule)
        .order_by("-start_date", "-id")[:50]
    )


def get_real_estate_for_user(user: Any, customer_id: Any, item_id: Any) -> RealEstate:
    """A property of the customer, in the user's data scope through its customer; else NotFound."""
    rows = RealEstate.objects.filter(customer_id=customer_id).select_related("customer")
    return get_scoped(rows, user, item_id)


def get_vehicle_for_user(user: Any, customer_id: Any, item_id: Any) -> Vehicle:
    """A car of the customer, in the user's data scope through its customer; else NotFound."""
    rows = Vehicle.objects.filter(customer_id=customer_id).select_related("customer")
    return get_scoped(rows, user, item_id)


def get_score_for_user(user: Any, customer_id: Any, item_id: Any) -> ThirdPartyScore:
    """A third-party score of the customer, in the user's data scope; else NotFound."""
    rows = ThirdPartyScore.objects.filter(customer_id=customer_id).select_related("customer")
    return get_scoped(rows, user, item_id)
