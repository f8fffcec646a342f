"""Customer endpoints under /api/v1/customers: scoped reads, masked values, audited reveal."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from lendcrm.customers.interactions import log_interaction
from lendcrm.customers.models import Customer, CustomerContact
from lendcrm.customers.profile_context import FINANCIAL_FIELDS
from lendcrm.customers.queries import (
    CustomerFilters,
    get_customer_for_user,
    get_customer_profile,
    list_customers,
    list_tag_counts,
    tags_by_customer,
)
from lendcrm.customers.schemas import (
    DETAIL_FIELDS,
    LIST_FIELDS,
    BureauReportOut,
    ContactOut,
    CustomerDetailOut,
    CustomerListQuery,
    CustomerOut,
    CustomerPageOut,
    InteractionIn,
    InteractionOut,
    RealEstateOut,
    RevealIn,
    RevealOut,
    ScoreOut,
    TagCountOut,
    TimelinePageOut,
    TimelineQuery,
    VehicleOut,
    owner_name,
)
from lendcrm.customers.services import reveal_customer_field
from lendcrm.customers.timeline import timeline_for_customer
from lendcrm.privacy.masking import Grants, display_dict, load_grants, sensitive_fields

router = Router(tags=["customers"])


@router.get("", response=CustomerPageOut)
def list_customers_api(request: HttpRequest, query: Query[CustomerListQuery]) -> CustomerPageOut:
    filters = CustomerFilters(
        name=query.name,
        city=query.city,
        mobile=query.mobile,
        id_number=query.id_number,
        tag=query.tag,
    )
    page = list_customers(request.user, filters=filters, cursor=query.cursor, limit=query.limit)
    grants = load_grants(request.user, page.items)
    tags = tags_by_customer(page.items)
    return CustomerPageOut(
        items=[
            _customer_out(request, c, grants, tags=[t.name for t in tags[c.pk]]) for c in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/tags", response=list[TagCountOut])
def list_tag_counts_api(request: HttpRequest) -> list[TagCountOut]:
    """Every tag with the number of customers in the caller's data scope that carry it."""
    return [
        TagCountOut(name=c.tag.name, kind=c.tag.kind, colour=c.tag.colour, count=c.count)
        for c in list_tag_counts(request.user)
    ]


@router.get("/{int:customer_id}/timeline", response=TimelinePageOut)
def customer_timeline_api(
    request: HttpRequest, customer_id: int, query: Query[TimelineQuery]
) -> TimelinePageOut:
    customer = get_customer_for_user(request.user, customer_id)
    page = timeline_for_customer(
        request.user, customer, cursor=query.cursor or None, page_size=query.limit
    )
    return TimelinePageOut(
        items=[
            InteractionOut(
                id=i.id,
                source=i.source,
                kind=i.kind,
                occurred_at=i.occurred_at,
                summary=i.summary,
                recording_url=i.recording_url,
                actor=owner_name(i.actor),
                lead_id=i.lead_id,
                customer_id=i.customer_id,
                ref=i.ref,
            )
            for i in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.post("/{int:customer_id}/interactions", response={201: InteractionOut})
def log_interaction_api(
    request: HttpRequest, customer_id: int, payload: InteractionIn
) -> Status[InteractionOut]:
    """A call (with its recording), SMS, meeting, note or app event from staff or a system."""
    customer = get_customer_for_user(request.user, customer_id)
    i = log_interaction(
        customer,
        kind=payload.kind,
        summary=payload.summary,
        occurred_at=payload.occurred_at,
        recording_url=payload.recording_url,
        acting_user=request.user,
    )
    return Status(
        201,
        InteractionOut(
            id=i.pk,
            source="interaction",
            kind=i.kind,
            occurred_at=i.occurred_at,
            summary=i.summary,
            recording_url=i.recording_url,
            actor=owner_name(i.actor),
            lead_id=i.lead_id,
            customer_id=i.customer_id,
            ref=i.ref,
        ),
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
    profile = get_customer_profile(customer)
    return CustomerDetailOut(
        id=customer.pk,
        owner=owner_name(customer.owner),
        revealed_until=revealed,
        tags=[a.tag.name for a in profile.tags],
        financials={name: getattr(customer, name) for name in FINANCIAL_FIELDS},
        contacts=_contacts_out(request, profile.contacts),
        real_estates=[RealEstateOut.from_orm(r) for r in profile.real_estates],
        vehicles=[VehicleOut.from_orm(v) for v in profile.vehicles],
        bureau_reports=[BureauReportOut.from_orm(b) for b in profile.bureau_reports],
        scores=[ScoreOut.from_orm(s) for s in profile.scores],
        **shown,
    )


@router.post("/{int:customer_id}/reveal", response=RevealOut)
def reveal_customer_api(request: HttpRequest, customer_id: int, payload: RevealIn) -> RevealOut:
    customer = get_customer_for_user(request.user, customer_id)
    revealed = reveal_customer_field(
        user=request.user, customer=customer, field=payload.field, reason=payload.reason
    )
    return RevealOut(field=revealed.field, value=revealed.value, expires_at=revealed.expires_at)


def _customer_out(
    request: HttpRequest, customer: Customer, grants: Grants, *, tags: list[str]
) -> CustomerOut:
    shown = display_dict(customer, user=request.user, fields=LIST_FIELDS, grants=grants)
    return CustomerOut(id=customer.pk, owner=owner_name(customer.owner), tags=tags, **shown)


def _contacts_out(request: HttpRequest, contacts: list[CustomerContact]) -> list[ContactOut]:
    grants = load_grants(request.user, contacts)
    return [
        ContactOut(
            id=contact.pk,
            kind=contact.kind,
            name=contact.name,
            relation=contact.relation,
            mobile=display_dict(contact, user=request.user, fields=["mobile"], grants=grants)[
                "mobile"
            ],
        )
        for contact in contacts
    ]
