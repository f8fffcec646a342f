from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.approvals.models import ApprovalChain, ApprovalNode, ApprovalRoute
from lendcrm.approvals.terms import ApprovalTerms
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.identity.tests.factories import BranchFactory, TeamFactory, UserFactory
from lendcrm.reporting.tests.factories import ApplicationFactory, ProductFactory

OPINION = ApprovalTerms(
    amount=Decimal("30000.00"),
    annual_rate=Decimal("0.1800"),
    term=12,
    repayment_method="equal_installment",
)


@dataclass
class People:
    branch: OrgUnit
    sales: User
    reviewer: User
    reviewer2: User
    supervisors: list[User]
    directors: list[User]
    committee: list[User]
    outsider: User  # another branch's supervisor

    @property
    def approvers(self) -> list[User]:
        return [*self.supervisors, *self.directors, *self.committee]


@pytest.fixture
def people(db: None) -> People:
    branch = BranchFactory()
    team = TeamFactory(parent=branch)
    review_team = TeamFactory(parent=branch)
    other_team = TeamFactory()

    def staff(role: Role, *, on: OrgUnit = review_team) -> User:
        user: User = UserFactory(team=on, roles=[role])
        return user

    return People(
        branch=branch,
        sales=staff(Role.SALES, on=team),
        reviewer=staff(Role.REVIEWER),
        reviewer2=staff(Role.REVIEWER),
        supervisors=[staff(Role.REVIEW_SUPERVISOR) for _ in range(3)],
        directors=[staff(Role.REVIEW_DIRECTOR) for _ in range(2)],
        committee=[staff(Role.COMMITTEE) for _ in range(4)],
        outsider=staff(Role.REVIEW_SUPERVISOR, on=other_team),
    )


@pytest.fixture
def make_application(people: People) -> Callable[..., Application]:
    def make(**values: Any) -> Application:
        fields: dict[str, Any] = {
            "customer": CustomerFactory(owner=people.sales),
            "product": ProductFactory(),
            "status": ApplicationStatus.MANUAL_REVIEW,
            "risk_grade": "A",
            "amount": Decimal("30000.00"),
        }
        fields.update(values)
        application: Application = ApplicationFactory(**fields)
        return application

    return make


@pytest.fixture
def application(make_application: Callable[..., Application]) -> Application:
    return make_application()


@pytest.fixture
def only_chain(db: None) -> Callable[..., ApprovalChain]:
    """only_chain(("review_supervisor", "single", 1), ...): the one chain every application
    routes to (priority 0, before the seeded matrix)."""

    def make(*nodes: tuple[str, str, int], code: str = "TEST") -> ApprovalChain:
        chain = ApprovalChain.objects.create(code=code, name=f"测试审批流 {code}")
        for position, (level, kind, count) in enumerate(nodes, start=1):
            ApprovalNode.objects.create(
                chain=chain, position=position, level=level, kind=kind, approver_count=count
            )
        ApprovalRoute.objects.create(name=f"全部 → {code}", priority=0, chain=chain)
        return chain

    return make


@pytest.fixture
def default_matrix(db: None) -> None:
    """The seeded matrix (re-seeded if a transactional test flushed the tables)."""
    if not ApprovalChain.objects.filter(code="SMALL").exists():
        module = importlib.import_module("lendcrm.approvals.migrations.0002_default_matrix")
        module.seed(django_apps, None)
