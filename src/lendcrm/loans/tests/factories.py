"""Test data for the loans app: products, customers, users with roles, lines and loans."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group

from lendcrm.customers.models import Customer
from lendcrm.identity.choices import OrgUnitKind, Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.loans.choices import ProductKind, RepaymentMethod
from lendcrm.loans.models import CreditLine, Loan, PaymentChannel, Product
from lendcrm.loans.services.credit_lines import open_line
from lendcrm.loans.services.disbursements import disburse
from lendcrm.loans.services.drawdowns import request_drawdown

_seq = itertools.count(1)
START = date(2025, 1, 15)
WEBHOOK_SECRET = "test-channel-secret"


def make_product(**overrides: Any) -> Product:
    n = next(_seq)
    fields: dict[str, Any] = {
        "code": f"P{n}",
        "name": f"产品{n}",
        "kind": ProductKind.REVOLVING,
        "min_amount": Decimal("100.00"),
        "max_amount": Decimal("200000.00"),
        "terms": [3, 6, 12, 24],
        "min_rate": Decimal("0.0500"),
        "max_rate": Decimal("0.2400"),
        "repayment_methods": [m.value for m in RepaymentMethod],
    }
    fields.update(overrides)
    return Product.objects.create(**fields)


def make_org() -> tuple[OrgUnit, OrgUnit]:
    n = next(_seq)
    branch = OrgUnit.objects.create(code=f"B{n}", name=f"分行{n}", kind=OrgUnitKind.BRANCH)
    team = OrgUnit.objects.create(
        code=f"T{n}", name=f"团队{n}", kind=OrgUnitKind.TEAM, parent=branch
    )
    return branch, team


def make_user(*roles: Role, team: OrgUnit | None = None, username: str = "") -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password="x-password-123", team=team
    )
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    return user


def make_customer(*, owner: User | None = None, team: OrgUnit | None = None) -> Customer:
    n = next(_seq)
    branch = team.parent if team is not None else None
    return Customer.objects.create(
        customer_no=f"C{n:08d}",
        name=f"客户{n}",
        gender="M",
        birth_date=date(1990, 1, 1),
        id_number="110105199001011237",
        mobile=f"138{n:08d}",
        province="北京",
        city="北京",
        owner=owner,
        team=team,
        branch=branch,
    )


def make_line(
    *,
    limit: Decimal = Decimal("50000.00"),
    rate: Decimal = Decimal("0.1200"),
    product: Product | None = None,
    customer: Customer | None = None,
    acting_user: Any = None,
) -> CreditLine:
    return open_line(
        customer=customer or make_customer(),
        product=product or make_product(),
        limit=limit,
        annual_rate=rate,
        valid_from=date(2024, 1, 1),
        valid_until=date(2030, 12, 31),
        acting_user=acting_user,
    )


def make_loan(
    *,
    amount: Decimal = Decimal("12000.00"),
    term: int = 12,
    method: RepaymentMethod = RepaymentMethod.EQUAL_PRINCIPAL,
    line: CreditLine | None = None,
    on: date = START,
    **line_kwargs: Any,
) -> Loan:
    """A disbursed loan note drawn on a (new) line."""
    line = line or make_line(**line_kwargs)
    drawdown = request_drawdown(
        line, amount=amount, term=term, method=method, acting_user=None, on=on
    )
    disburse(drawdown.loan, acting_user=None)
    return Loan.objects.get(pk=drawdown.loan_id)


def make_channel(code: str = "fakepay", secret: str = WEBHOOK_SECRET) -> PaymentChannel:
    channel, _ = PaymentChannel.objects.get_or_create(
        code=code, defaults={"name": code, "secret": secret}
    )
    return channel
