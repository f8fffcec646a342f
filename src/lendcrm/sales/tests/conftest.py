from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from lendcrm.core import clock
from lendcrm.customers.tests.factories import TeamFactory, UserFactory, valid_mobile
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.leads.choices import ChannelKind, LeadStatus
from lendcrm.leads.models import Channel, Lead

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 5, 6, 10, 0, tzinfo=SHANGHAI)


@dataclass
class Org:
    rep: User
    rep2: User
    manager: User
    other_rep: User  # another team, another branch


@pytest.fixture
def org(db: None) -> Org:
    team = TeamFactory()
    other_team = TeamFactory()
    return Org(
        rep=UserFactory(team=team, roles=[Role.SALES]),
        rep2=UserFactory(team=team, roles=[Role.SALES]),
        manager=UserFactory(team=team, roles=[Role.SALES_MANAGER]),
        other_rep=UserFactory(team=other_team, roles=[Role.SALES]),
    )


@pytest.fixture
def channel(db: None) -> Channel:
    return Channel.objects.create(code="baidu-feed", name="百度信息流", kind=ChannelKind.H5)


@pytest.fixture
def make_lead(channel: Channel) -> Callable[..., Lead]:
    counter = iter(range(1, 10_000))

    def make(owner: User | None, *, status: str = LeadStatus.NEW, **extra: Any) -> Lead:
        n = next(counter)
        values: dict[str, Any] = {
            "name": f"客户{n}",
            "mobile": valid_mobile(n),
            "channel": channel,
            "status": status,
            "owner": owner,
            "team_id": owner.team_id if owner else None,
            "branch_id": owner.branch_id if owner else None,
            "assigned_at": T0 if owner else None,
        }
        values.update(extra)
        return Lead.objects.create(**values)

    return make


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """frozen(at) sets the clock that every service reads."""

    def freeze(at: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: at)

    freeze(T0)
    return freeze
