from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from lendcrm.decisions.seeding import default_definition, load_data
from lendcrm.identity.choices import OrgUnitKind, Role
from lendcrm.identity.models import OrgUnit, User
from lendcrm.identity.services import assign_roles

_seq = itertools.count(1)


@pytest.fixture
def card() -> dict[str, Any]:
    return load_data("demo_scorecard.json")


@pytest.fixture
def definition() -> dict[str, Any]:
    """The shipped default strategy, its scorecard step pointing at card id 0 (pure tests)."""
    return default_definition(0)


@pytest.fixture
def small_definition() -> dict[str, Any]:
    """Two inputs, one hard rule, a matrix: the smallest useful strategy."""
    return copy.deepcopy(SMALL)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    branch = OrgUnit.objects.create(code=f"DB{next(_seq)}", name="分行", kind=OrgUnitKind.BRANCH)
    team = OrgUnit.objects.create(
        code=f"DT{next(_seq)}", name="一组", kind=OrgUnitKind.TEAM, parent=branch
    )

    def make(*roles: Role) -> User:
        user = User.objects.create_user(
            username=f"dec{next(_seq)}", password="not-used-1234", team=team
        )
        assign_roles(user, list(roles))
        return user

    return make


SMALL: dict[str, Any] = {
    "format": "lendcrm-strategy",
    "format_version": 1,
    "inputs": [
        {"name": "age", "type": "number", "required": True, "on_missing": "manual_review"},
        {"name": "income", "type": "number", "required": True, "on_missing": "reject"},
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
                "rules": [{"_id": "AGE", "c1": "< 22, > 55", "o1": '"AGE"', "o2": '"decline"'}],
            },
        },
        {
            "key": "matrix",
            "type": "decision_matrix",
            "table": {
                "hitPolicy": "first",
                "inputs": [{"id": "m1", "field": "income"}],
                "outputs": [
                    {"id": "p1", "field": "outcome"},
                    {"id": "p2", "field": "limit"},
                    {"id": "p3", "field": "pricing_tier"},
                ],
                "rules": [
                    {
                        "_id": "RICH",
                        "m1": ">= 10000",
                        "p1": '"approve"',
                        "p2": "income * 3",
                        "p3": '"A"',
                    },
                    {"_id": "OTHER", "m1": "", "p1": '"manual_review"', "p2": "", "p3": ""},
                ],
            },
        },
    ],
}
