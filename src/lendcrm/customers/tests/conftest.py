from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from lendcrm.core import clock
from lendcrm.customers.tests.factories import BranchFactory, TeamFactory, UserFactory
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User


@dataclass(frozen=True)
class Org:
    """Branch A (sales team A1, sales team A2, review team) and branch B (sales team B1)."""

    sales: User
    teammate: User
    manager: User
    other_team_sales: User
    reviewer: User
    other_branch_sales: User
    qa: User
    admin: User


@pytest.fixture
def org(db: None) -> Org:
    branch_a, branch_b = BranchFactory(), BranchFactory()
    team_a1, team_a2 = TeamFactory(parent=branch_a), TeamFactory(parent=branch_a)
    review, team_b1 = TeamFactory(parent=branch_a), TeamFactory(parent=branch_b)
    return Org(
        sales=UserFactory(team=team_a1, roles=[Role.SALES]),
        teammate=UserFactory(team=team_a1, roles=[Role.SALES]),
        manager=UserFactory(team=team_a1, roles=[Role.SALES_MANAGER]),
        other_team_sales=UserFactory(team=team_a2, roles=[Role.SALES]),
        reviewer=UserFactory(team=review, roles=[Role.REVIEWER]),
        other_branch_sales=UserFactory(team=team_b1, roles=[Role.SALES]),
        qa=UserFactory(team=review, roles=[Role.QA]),
        admin=UserFactory(team=review, roles=[Role.ADMIN]),
    )


@pytest.fixture
def move_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], datetime]:
    """Freeze lendcrm's clock now; each call moves it forward and returns the new time."""
    frozen = [clock.now()]
    monkeypatch.setattr(clock, "now", lambda: frozen[0])

    def advance(by: timedelta) -> datetime:
        frozen[0] = frozen[0] + by
        return frozen[0]

    return advance
