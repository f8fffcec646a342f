"""The sales pipeline around a demo customer: leads (with collisions) and loan applications."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.customers.choices import EmploymentType
from lendcrm.demo.assignment import assign
from lendcrm.demo.catalogue import CHANNELS, PRODUCT_BY_CODE, ChannelSpec, ProductSpec, campaign_for
from lendcrm.demo.data.places import BUSINESS_PURPOSES, LOAN_PURPOSES
from lendcrm.demo.journey import Journey, approval_probability, at, horizon
from lendcrm.demo.people import PERSONS_PER_INDEX, generate_person
from lendcrm.demo.profiles import ApplicationProfile, Assignment, CustomerProfile, LeadProfile
from lendcrm.demo.sampling import Weighted, below, between, clamp, log_normal, round_to
from lendcrm.leads.choices import LeadStatus

_CHANNELS = Weighted((c, c.weight) for c in CHANNELS)
_PURPOSES = Weighted(LOAN_PURPOSES)
_BUSINESS_PURPOSES = Weighted(BUSINESS_PURPOSES)
_PROSPECTS_PER_CUSTOMER = Weighted([(0, 35), (1, 35), (2, 20), (3, 10)])
_BRANCH_CITY = {"BJ": "北京", "SH": "上海"}
_BUSINESS_TYPES = (EmploymentType.BUSINESS_OWNER, EmploymentType.SELF_EMPLOYED)
COLLISION_RATE = 0.07
_INVALID_REASONS = Weighted(
    [("空号/停机", 25), ("多次未接通", 30), ("无借款需求", 25), ("资质不符", 15), ("非本人留资", 5)]
)


def lead_key(seed: int, index: int, number: int) -> str:
    return f"D{seed}-{index:08d}-{number:02d}"


def application_no(seed: int, index: int, number: int) -> str:
    return f"A{seed}-{index:08d}-{number}"


def generate_leads(
    seed: int, index: int, *, as_of: date, customer: CustomerProfile, journey: Journey
) -> tuple[LeadProfile, ...]:
    """The customer's own lead (if they came through one), other people's leads, collisions."""
    rng = random.Random(f"{seed}:lead:{index}")
    leads: list[LeadProfile] = []
    if journey.lead_at is not None:
        leads.append(_own_lead(rng, lead_key(seed, index, 0), customer, journey.lead_at, journey))
    for number in range(1, 1 + _PROSPECTS_PER_CUSTOMER.pick(rng)):
        leads.append(_prospect(seed, index, number, as_of))
    for original in list(leads):
        if rng.random() < COLLISION_RATE:
            duplicate = _collision(rng, original, lead_key(seed, index, len(leads)), as_of)
            if duplicate is not None:
                leads.append(duplicate)
    return tuple(leads)


def _own_lead(
    rng: random.Random, key: str, customer: CustomerProfile, when: datetime, journey: Journey
) -> LeadProfile:
    channel = _CHANNELS.pick(rng)
    follow_up = _follow_up(rng, when, journey.lead_status, customer.assignment, journey.customer_at)
    return LeadProfile(
        seed_key=key,
        name=customer.name,
        mobile=customer.mobile,
        id_number=customer.id_number if rng.random() < 0.85 else "",
        city=customer.city,
        requested_amount=_requested_amount(rng, float(customer.monthly_income)),
        purpose=_PURPOSES.pick(rng),
        channel=channel.code,
        campaign=_campaign(channel, when, customer.assignment, customer.city),
        consent=True,
        status=journey.lead_status,
        duplicate_of=None,
        customer_no=customer.customer_no,
        assignment=customer.assignment,
        created_at=when,
        assigned_at=follow_up.assigned_at,
        first_contact_at=follow_up.first_contact_at,
        invalid_reason=follow_up.invalid_reason,
    )


def generate_applications(
    seed: int,
    index: int,
    *,
    as_of: date,
    customer: CustomerProfile,
    journey: Journey,
    channel: str | None,
    default_probability: float,
) -> tuple[ApplicationProfile, ...]:
    status = journey.application_status
    if status is None or journey.application_at is None:
        return ()
    rng = random.Random(f"{seed}:application:{index}")
    product = _pick_product(rng, customer.employment_type)
    first = _application(
        rng,
        application_no(seed, index, 1),
        customer,
        product,
        channel=channel,
        status=status,
        stamps=(journey.application_at, journey.submitted_at, journey.decided_at),
    )
    if status != ApplicationStatus.DISBURSED or journey.decided_at is None or rng.random() > 0.12:
        return (first,)
    started = journey.decided_at + timedelta(days=between(rng, 30, 240), hours=between(rng, 0, 6))
    if started + timedelta(days=1) > horizon(as_of):
        return (first,)
    approved = rng.random() < approval_probability(default_probability)
    decided = started + timedelta(hours=between(rng, 1, 30))
    again = _application(
        rng,
        application_no(seed, index, 2),
        customer,
        PRODUCT_BY_CODE["SJSH"] if product.code != "SJSH" else product,
        channel=channel,
        status=ApplicationStatus.DISBURSED if approved else ApplicationStatus.DECLINED,
        stamps=(started, started + timedelta(minutes=between(rng, 5, 90)), decided),
    )
    return (first, again)


def _application(
    rng: random.Random,
    number: str,
    customer: CustomerProfile,
    product: ProductSpec,
    *,
    channel: str | None,
    status: str,
    stamps: tuple[datetime, datetime | None, datetime | None],
) -> ApplicationProfile:
    wanted = log_normal(rng, float(customer.monthly_income) * product.income_multiple, 0.5)
    amount = clamp(round_to(wanted, product.amount_step), product.min_amount, product.max_amount)
    purposes = _BUSINESS_PURPOSES if product.code == "JYD" else _PURPOSES
    method = product.repayment_methods[0 if rng.random() < 0.7 else 1]
    return ApplicationProfile(
        application_no=number,
        customer_no=customer.customer_no,
        product=product.code,
        channel=channel,
        amount=Decimal(int(amount)),
        term=_pick_term(rng, product.terms),
        repayment_method=method,
        purpose=purposes.pick(rng),
        status=status,
        submitted_at=stamps[1],
        decided_at=stamps[2],
        assignment=customer.assignment,
        created_at=stamps[0],
    )


def _prospect(seed: int, index: int, number: int, as_of: date) -> LeadProfile:
    """Someone who left their number but has not (yet) become a customer."""
    rng = random.Random(f"{seed}:prospect:{index}:{number}")
    person = generate_person(rng, person_no=index * PERSONS_PER_INDEX + number, as_of=as_of)
    days_before = int(540 * rng.random() ** 1.8)
    created = at(rng, as_of, days_before)
    status = _prospect_status(rng, days_before)
    pool = 0.3 if status == LeadStatus.NEW else 0.05
    assignment = assign(rng, person.residence, unassigned_share=pool)
    channel = _CHANNELS.pick(rng)
    follow_up = _follow_up(rng, created, status, assignment, horizon(as_of))
    return LeadProfile(
        seed_key=lead_key(seed, index, number),
        name=person.name,
        mobile=person.mobile,
        id_number=person.id_number if rng.random() < 0.15 else "",
        city=person.residence.city,
        requested_amount=_requested_amount(rng, 8000.0) if rng.random() < 0.85 else None,
        purpose=_PURPOSES.pick(rng) if rng.random() < 0.7 else "",
        channel=channel.code,
        campaign=_campaign(channel, created, assignment, person.residence.city),
        consent=rng.random() < 0.97,
        status=status,
        duplicate_of=None,
        customer_no=None,
        assignment=assignment,
        created_at=created,
        assigned_at=follow_up.assigned_at,
        first_contact_at=follow_up.first_contact_at,
        invalid_reason=follow_up.invalid_reason,
    )


def _prospect_status(rng: random.Random, days_before: int) -> str:
    draw = rng.random()
    if days_before <= 2:
        return LeadStatus.NEW if draw < 0.7 else LeadStatus.CONTACTED
    if days_before <= 14:
        steps = ((0.25, LeadStatus.NEW), (0.7, LeadStatus.CONTACTED), (0.85, LeadStatus.INTERESTED))
    else:
        steps = ((0.08, LeadStatus.NEW), (0.53, LeadStatus.CONTACTED), (0.6, LeadStatus.INTERESTED))
    return next((status for limit, status in steps if draw < limit), LeadStatus.INVALID)


def _collision(
    rng: random.Random, original: LeadProfile, key: str, as_of: date
) -> LeadProfile | None:
    """The same person arriving again (撞单), usually through another channel."""
    created = original.created_at + timedelta(days=between(rng, 0, 30), seconds=below(rng, 36000))
    if created > horizon(as_of):
        return None
    channel = _CHANNELS.pick(rng)
    if channel.code == original.channel:
        channel = _CHANNELS.pick(rng)
    fresh = horizon(as_of) - created < timedelta(days=3)
    status = LeadStatus.NEW if fresh and rng.random() < 0.6 else LeadStatus.INVALID
    return LeadProfile(
        seed_key=key,
        name=original.name,
        mobile=original.mobile,
        id_number="",
        city=original.city,
        requested_amount=original.requested_amount,
        purpose=original.purpose,
        channel=channel.code,
        campaign=_campaign(channel, created, original.assignment, original.city),
        consent=True,
        status=status,
        duplicate_of=original.seed_key,
        customer_no=None,
        assignment=original.assignment,
        created_at=created,
        assigned_at=created if original.assignment.owner else None,
        first_contact_at=None,
        invalid_reason="撞单" if status == LeadStatus.INVALID else "",
    )


@dataclass(frozen=True, slots=True)
class _FollowUp:
    assigned_at: datetime | None
    first_contact_at: datetime | None
    invalid_reason: str


def _follow_up(
    rng: random.Random, created: datetime, status: str, assignment: Assignment, latest: datetime
) -> _FollowUp:
    """When the lead was assigned and first called, and why it was dropped if it was."""
    reason = _INVALID_REASONS.pick(rng) if status == LeadStatus.INVALID else ""
    if assignment.owner is None:
        return _FollowUp(None, None, reason)
    assigned = min(created + timedelta(seconds=30 + below(rng, 600)), latest)
    if status == LeadStatus.NEW:
        return _FollowUp(assigned, None, reason)
    within_sla = rng.random() < 0.8
    delay = 60 + below(rng, 1700) if within_sla else 1800 + below(rng, 5 * 3600)
    return _FollowUp(assigned, min(assigned + timedelta(seconds=delay), latest), reason)


def _campaign(channel: ChannelSpec, when: datetime, assignment: Assignment, city: str) -> str:
    branch_city = _BRANCH_CITY.get(assignment.branch or "", city.removesuffix("市"))
    return campaign_for(channel, when, branch_city=branch_city)


def _requested_amount(rng: random.Random, monthly_income: float) -> Decimal:
    wanted = clamp(log_normal(rng, monthly_income * 3.5, 0.7), 3000, 500_000)
    return Decimal(round_to(wanted, 1000))


def _pick_product(rng: random.Random, employment_type: str) -> ProductSpec:
    draw = rng.random()
    if employment_type in _BUSINESS_TYPES:
        return PRODUCT_BY_CODE["JYD" if draw < 0.7 else "SJSH"]
    if employment_type == EmploymentType.FREELANCER:
        return PRODUCT_BY_CODE["SJSH" if draw < 0.7 else "XYD"]
    return PRODUCT_BY_CODE["XYD" if draw < 0.6 else "SJSH"]


def _pick_term(rng: random.Random, terms: tuple[int, ...]) -> int:
    weights = [
        3.0 if position == 1 else 1.5 if position == 2 else 1.0 for position in range(len(terms))
    ]
    draw, total = rng.random() * sum(weights), 0.0
    for term, weight in zip(terms, weights, strict=True):
        total += weight
        if draw < total:
            return term
    return terms[-1]
