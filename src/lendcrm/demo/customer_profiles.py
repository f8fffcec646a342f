"""Demo data for the customer 360 page: contacts, real estate, vehicles, bureau summaries,
third-party scores, tags and a few timeline events.

Deterministic: customer `index` of seed S always gets the same extras (its own RNG). Idempotent:
customers that already have their demo timeline event (ref `demo:profile`) are skipped. Only the
first `SAMPLE` customers of a seed get extras, so a million-customer seed stays fast.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from lendcrm.audit.services import record_event
from lendcrm.customers.choices import (
    ContactKind,
    ContactRelation,
    InteractionKind,
    RealEstateKind,
    TagKind,
    TagSource,
)
from lendcrm.customers.models import (
    BureauReport,
    Customer,
    CustomerContact,
    Interaction,
    RealEstate,
    Tag,
    TagAssignment,
    ThirdPartyScore,
    Vehicle,
)
from lendcrm.demo.households import customer_no

SAMPLE = 500
DEMO_REF = "demo:profile"
CONTACT_NAMES = ("王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄磊", "周杰", "吴婷")
RELATIONS = (ContactRelation.SPOUSE, ContactRelation.PARENT, ContactRelation.SIBLING,
             ContactRelation.FRIEND, ContactRelation.COLLEAGUE)  # fmt: skip
CAR_BRANDS = (("大众", "朗逸"), ("丰田", "卡罗拉"), ("比亚迪", "秦PLUS"), ("本田", "雅阁"),
              ("吉利", "星瑞"), ("特斯拉", "Model 3"))  # fmt: skip
NOTES = (
    (InteractionKind.CALL, "电话回访，客户表示近期有资金需求"),
    (InteractionKind.SMS, "发送产品介绍短信"),
    (InteractionKind.MEETING, "客户到店面谈，了解收入与负债情况"),
    (InteractionKind.NOTE, "客户希望月供控制在三千元以内"),
    (InteractionKind.APP_EVENT, "客户在 App 内查看了额度测算"),
)
SCORE_PROVIDERS = (("百行征信", 450, 850), ("芝麻分", 550, 900))


def seed_customer_profiles(*, seed: int, as_of: date) -> int:
    """Add extras to the first SAMPLE customers of `seed` that lack them; the number done."""
    numbers = [customer_no(seed, index) for index in range(1, SAMPLE + 1)]
    done = set(
        Interaction.objects.filter(ref=DEMO_REF, customer__customer_no__in=numbers).values_list(
            "customer_id", flat=True
        )
    )
    customers = [
        c
        for c in Customer.objects.filter(customer_no__in=numbers).order_by("customer_no")
        if c.pk not in done
    ]
    if not customers:
        return 0
    tags = {tag.name: tag for tag in Tag.objects.all()}
    with transaction.atomic():
        for customer in customers:
            _add_extras(
                customer, random.Random(f"{seed}:profile:{customer.customer_no}"), as_of, tags
            )
        record_event(
            "demo.customer_profiles_seeded",
            object_type="demo",
            object_id=str(seed),
            metadata={"customers": len(customers)},
        )
    return len(customers)


def _add_extras(customer: Customer, rng: random.Random, as_of: date, tags: dict[str, Tag]) -> None:
    _contacts(customer, rng)
    _assets(customer, rng)
    _credit(customer, rng, as_of)
    _tags(customer, rng, as_of, tags)
    _timeline(customer, rng, as_of)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _contacts(customer: Customer, rng: random.Random) -> None:
    rows = [
        CustomerContact(
            customer=customer,
            kind=ContactKind.EMERGENCY,
            name=rng.choice(CONTACT_NAMES),
            relation=rng.choice(RELATIONS),
            mobile=_mobile(rng),
        )
    ]
    if rng.random() < 0.3:
        rows.append(
            CustomerContact(
                customer=customer, kind=ContactKind.MOBILE, mobile=_mobile(rng), note="工作号"
            )
        )
    CustomerContact.objects.bulk_create(rows)


def _assets(customer: Customer, rng: random.Random) -> None:
    if customer.house_value > 0:
        RealEstate.objects.create(
            customer=customer,
            kind=rng.choice(
                (RealEstateKind.APARTMENT, RealEstateKind.APARTMENT, RealEstateKind.SHOP)
            ),
            city=customer.city,
            area_sqm=Decimal(rng.randrange(50, 160)),
            value=customer.house_value,
            mortgage_balance=customer.mortgage_balance,
            monthly_payment=(customer.mortgage_balance / 240).quantize(Decimal("0.01")),
        )
    if customer.car_value > 0:
        brand, model = rng.choice(CAR_BRANDS)
        Vehicle.objects.create(
            customer=customer,
            brand=brand,
            model_name=model,
            purchase_year=rng.randrange(2015, 2025),
            purchase_price=customer.car_value,
            loan_balance=customer.car_loan_balance,
        )


def _credit(customer: Customer, rng: random.Random, as_of: date) -> None:
    if rng.random() < 0.6:
        inquiries_1m = rng.choice((0, 0, 1, 2))
        BureauReport.objects.create(
            customer=customer,
            file="",
            content_type="application/pdf",
            report_date=as_of - timedelta(days=rng.randrange(1, 90)),
            overdue_count_24m=rng.choice((0, 0, 0, 1, 2, 4)),
            current_overdue_count=rng.choice((0, 0, 0, 0, 1)),
            inquiries_1m=inquiries_1m,
            inquiries_3m=inquiries_1m + rng.randrange(0, 4),
            inquiries_6m=inquiries_1m + rng.randrange(0, 8),
            card_count=customer.credit_card_count,
            card_limit=customer.credit_card_limit,
            card_used=(customer.credit_card_limit * Decimal(rng.randrange(0, 90)) / 100).quantize(
                Decimal("0.01")
            ),
            loan_count=rng.randrange(0, 4),
            loan_balance=customer.loan_balance,
        )
    for provider, low, high in SCORE_PROVIDERS:
        if rng.random() < 0.5:
            ThirdPartyScore.objects.create(
                customer=customer,
                provider=provider,
                score=rng.randrange(low, high),
                as_of=as_of - timedelta(days=rng.randrange(1, 60)),
            )


def _tags(customer: Customer, rng: random.Random, as_of: date, tags: dict[str, Tag]) -> None:
    wanted = []
    if customer.monthly_income >= 20000 and rng.random() < 0.6:
        wanted.append("优质客户")
    if rng.random() < 0.08:
        wanted.append("风险关注")
    if rng.random() < 0.2:
        wanted.append("高意向")
    if rng.random() < 0.1:
        wanted.append("价格敏感")
    at = _moment(as_of, rng)
    TagAssignment.objects.bulk_create(
        TagAssignment(
            tag=tags[name],
            customer=customer,
            source=TagSource.RULE if tags[name].kind == TagKind.AUTO else TagSource.MANUAL,
            assigned_by=customer.owner if tags[name].kind == TagKind.MANUAL else None,
            assigned_at=at,
        )
        for name in wanted
        if name in tags
    )


def _timeline(customer: Customer, rng: random.Random, as_of: date) -> None:
    scope = {"owner_id": customer.owner_id, "team_id": customer.team_id,
             "branch_id": customer.branch_id}  # fmt: skip
    rows = [
        Interaction(
            customer=customer,
            kind=kind,
            summary=summary,
            occurred_at=_moment(as_of, rng),
            actor_id=customer.owner_id,
            **scope,
        )
        for kind, summary in rng.sample(NOTES, k=rng.randrange(1, 4))
    ]
    rows.append(
        Interaction(
            customer=customer,
            kind=InteractionKind.NOTE,
            summary="建立客户档案",
            occurred_at=timezone.make_aware(datetime.combine(customer.created_at.date(), time(9))),
            ref=DEMO_REF,
            **scope,
        )
    )
    Interaction.objects.bulk_create(rows)


def _moment(as_of: date, rng: random.Random) -> datetime:
    day = as_of - timedelta(days=rng.randrange(0, 120))
    return timezone.make_aware(datetime.combine(day, time(rng.randrange(9, 19), rng.randrange(60))))
