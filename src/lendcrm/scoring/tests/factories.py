from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group

from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.scoring.models import ScorecardVersion, ScoreRecord
from lendcrm.scoring.scorer import Scorer
from lendcrm.scoring.services import approve_version, deploy_version, register_version

_seq = itertools.count(1)


def make_user(*roles: Role) -> User:
    user = User.objects.create_user(username=f"scoring{next(_seq)}", password="x-password-123")
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role.value)
        user.groups.add(group)
    return user


def make_version(
    card: dict[str, Any], *, maker: User | None = None, name: str = "申请评分卡A"
) -> ScorecardVersion:
    return register_version(
        model_name=name, card=card, acting_user=maker or make_user(Role.RISK_ANALYST)
    )


def make_deployed_version(card: dict[str, Any], *, name: str = "申请评分卡A") -> ScorecardVersion:
    version = make_version(card, name=name)
    approve_version(version, acting_user=make_user(Role.RISK_ANALYST))
    return deploy_version(version, acting_user=make_user(Role.ADMIN))


def store_scores(
    version: ScorecardVersion, rows: list[dict[str, object]], *, scored_at: datetime
) -> list[ScoreRecord]:
    scorer = Scorer(version.card)
    results = [scorer.score_row(row) for row in rows]
    return ScoreRecord.objects.bulk_create(
        ScoreRecord(version=version, score=r.score, bins=r.bins, scored_at=scored_at)
        for r in results
    )
