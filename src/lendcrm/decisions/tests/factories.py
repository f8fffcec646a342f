"""Strategies and versions in each lifecycle state, and a deployed demo scorecard."""

from __future__ import annotations

from typing import Any

from lendcrm.decisions import services
from lendcrm.decisions.models import Strategy, StrategyDeployment, StrategyVersion
from lendcrm.decisions.seeding import default_definition, ensure_demo_scorecard
from lendcrm.identity.models import User


def make_strategy(author: User, *, code: str = "prescreen") -> Strategy:
    return services.create_strategy(code=code, name="预筛", acting_user=author)


def make_approved(
    strategy: Strategy, definition: dict[str, Any], *, maker: User, checker: User
) -> StrategyVersion:
    version = services.create_draft(strategy, definition=definition, acting_user=maker)
    version = services.submit_version(version, acting_user=maker)
    return services.approve_version(version, acting_user=checker)


def make_published(
    strategy: Strategy,
    definition: dict[str, Any],
    *,
    maker: User,
    checker: User,
    product_code: str = "",
) -> StrategyDeployment:
    version = make_approved(strategy, definition, maker=maker, checker=checker)
    return services.publish_version(version, acting_user=checker, product_code=product_code)


def publish_default(*, maker: User, checker: User) -> StrategyDeployment:
    card_id = ensure_demo_scorecard(maker=maker, checker=checker)
    strategy = make_strategy(maker, code="default-prescreen")
    return make_published(strategy, default_definition(card_id), maker=maker, checker=checker)
