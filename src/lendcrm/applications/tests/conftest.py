from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from lendcrm.customers.models import Customer
from lendcrm.customers.tests.factories import CustomerFactory, valid_id_number
from lendcrm.decisions.tests.factories import make_published, make_strategy
from lendcrm.identity.choices import OrgUnitKind, Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.identity.services import assign_roles
from lendcrm.loans.models import Product
from lendcrm.reporting.tests.factories import ProductFactory

_seq = itertools.count(1)

# Income decides: 20,000+ approves up to 8 months' income (tier A), 8,000+ goes to a
# reviewer, less is declined; anyone outside 22–55 is declined by a hard rule.
APPLICATION_STRATEGY: dict[str, Any] = {
    "format": "lendcrm-strategy",
    "format_version": 1,
    "inputs": [
        {"name": "age", "type": "number", "required": True, "on_missing": "manual_review"},
        {"name": "monthly_income", "type": "number", "required": True},
        {"name": "requested_amount", "type": "number", "required": True},
    ],
    "steps": [
        {
            "key": "hard",
            "type": "hard_rules",
            "table": {
                "hitPolicy": "collect",
                "inputs": [{"id": "c1", "field": "age"}],
                "outputs": [
                    {"id": "o1", "field": "reason_code"},
                    {"id": "o2", "field": "action"},
                ],
                "rules": [
                    {
                        "_id": "AGE",
                        "c1": "< 22, > 55",
                        "o1": '"AGE_OUT_OF_RANGE"',
                        "o2": '"decline"',
                    }
                ],
            },
        },
        {
            "key": "matrix",
            "type": "decision_matrix",
            "table": {
                "hitPolicy": "first",
                "inputs": [{"id": "m1", "field": "monthly_income"}],
                "outputs": [
                    {"id": "p1", "field": "outcome"},
                    {"id": "p2", "field": "limit"},
                    {"id": "p3", "field": "pricing_tier"},
                    {"id": "p4", "field": "reason_code"},
                ],
                "rules": [
                    {
                        "_id": "HIGH",
                        "m1": ">= 20000",
                        "p1": '"approve"',
                        "p2": "monthly_income * 8",
                        "p3": '"A"',
                        "p4": "",
                    },
                    {
                        "_id": "MIDDLE",
                        "m1": ">= 8000",
                        "p1": '"manual_review"',
                        "p2": "",
                        "p3": '"B"',
                        "p4": '"INCOME_MIDDLE"',
                    },
                    {
                        "_id": "LOW",
                        "m1": "",
                        "p1": '"decline"',
                        "p2": "",
                        "p3": "",
                        "p4": '"INCOME_TOO_LOW"',
                    },
                ],
            },
        },
    ],
}


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    branch = OrgUnit.objects.create(code=f"AB{next(_seq)}", name="分行", kind=OrgUnitKind.BRANCH)
    team = OrgUnit.objects.create(
        code=f"AT{next(_seq)}", name="一组", kind=OrgUnitKind.TEAM, parent=branch
    )

    def make(*roles: Role) -> User:
        user = User.objects.create_user(
            username=f"app{next(_seq)}", password="not-used-1234", team=team
        )
        assign_roles(user, list(roles))
        return user

    return make


@pytest.fixture
def product(db: None) -> Product:
    return ProductFactory()


@pytest.fixture
def sales(make_user: Callable[..., User]) -> User:
    return make_user(Role.SALES)


@pytest.fixture
def customer(sales: User) -> Customer:
    customer: Customer = CustomerFactory(
        owner=sales, monthly_income=Decimal("30000"), id_number=valid_id_number(7000 + next(_seq))
    )
    return customer


@pytest.fixture
def live_strategy(make_user: Callable[..., User]) -> None:
    maker, checker = make_user(Role.RISK_ANALYST), make_user(Role.RISK_ANALYST)
    make_published(
        make_strategy(maker, code="intake"), APPLICATION_STRATEGY, maker=maker, checker=checker
    )
