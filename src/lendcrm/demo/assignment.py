"""Which demo sales user, team and branch own a record: the basis of meaningful data scopes."""

from __future__ import annotations

import random

from lendcrm.demo.data.divisions import Division
from lendcrm.demo.org import DEMO_USERS, ORG_UNITS
from lendcrm.demo.profiles import UNASSIGNED, Assignment
from lendcrm.demo.sampling import one_of
from lendcrm.identity.choices import Role

SALES_BY_TEAM: dict[str, tuple[str, ...]] = {}
for _user in DEMO_USERS:
    if _user.role == Role.SALES:
        SALES_BY_TEAM[_user.team_code] = (*SALES_BY_TEAM.get(_user.team_code, ()), _user.username)
BRANCH_OF: dict[str, str | None] = {code: parent for code, _, _, parent in ORG_UNITS}


def assign(rng: random.Random, residence: Division, *, unassigned_share: float) -> Assignment:
    """East China is served from Shanghai, everywhere else from Beijing; a few wait in the pool."""
    if rng.random() < unassigned_share:
        return UNASSIGNED
    if residence.region == "华东":
        team = "SH-SALES-1"
    else:
        team = "BJ-SALES-1" if rng.random() < 0.65 else "BJ-SALES-2"
    owners = SALES_BY_TEAM.get(team)
    if not owners:
        return UNASSIGNED
    return Assignment(owner=one_of(rng, owners), team=team, branch=BRANCH_OF[team])
