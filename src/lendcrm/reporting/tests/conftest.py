from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from django.utils import timezone

from lendcrm.customers.tests.factories import BranchFactory, TeamFactory, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User

TODAY = date(2025, 3, 12)  # a Wednesday; its week starts on Monday 2025-03-10


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime in the business time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


@dataclass(frozen=True)
class Org:
    """Branch A: sales and teammate in team A1, a reviewer; branch B: other_sales. Admin sees all."""

    sales: User
    teammate: User
    reviewer: User
    other_sales: User
    admin: User
    auditor: User


@pytest.fixture
def org(db: None) -> Org:
    branch_a, branch_b = BranchFactory(), BranchFactory()
    team_a1, review, team_b1 = (
        TeamFactory(parent=branch_a),
        TeamFactory(parent=branch_a),
        TeamFactory(parent=branch_b),
    )
    return Org(
        sales=UserFactory(team=team_a1, roles=[Role.SALES]),
        teammate=UserFactory(team=team_a1, roles=[Role.SALES]),
        reviewer=UserFactory(team=review, roles=[Role.REVIEWER]),
        other_sales=UserFactory(team=team_b1, roles=[Role.SALES]),
        admin=UserFactory(team=review, roles=[Role.ADMIN]),
        auditor=UserFactory(team=review, roles=[Role.AUDITOR]),
    )
