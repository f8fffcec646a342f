"""The default demo strategy: registered, reviewed by a second person and published."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

from django.db import transaction

from lendcrm.decisions import services
from lendcrm.decisions.choices import StrategyVersionStatus
from lendcrm.decisions.engine.definition import SCORECARD
from lendcrm.decisions.engine.document import content_hash_of
from lendcrm.decisions.models import Strategy, StrategyDeployment, StrategyVersion

DEMO_SCORECARD_NAME = "演示申请评分卡"


def load_data(name: str) -> dict[str, Any]:
    text = resources.files("lendcrm.decisions").joinpath("data", name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def default_definition(scorecard_version_id: int) -> dict[str, Any]:
    definition = copy.deepcopy(load_data("default_strategy.json"))
    for step in definition["steps"]:
        if step["type"] == SCORECARD:
            step["scorecard_version"] = scorecard_version_id
    return definition


def ensure_demo_scorecard(*, maker: Any, checker: Any) -> int:
    """The deployed demo card's version id, registered and deployed on first use."""
    from lendcrm.scoring import services as scoring
    from lendcrm.scoring.models import ScorecardVersion

    existing = (
        ScorecardVersion.objects.filter(
            model__name=DEMO_SCORECARD_NAME, status__in=("approved", "deployed")
        )
        .order_by("-number")
        .first()
    )
    if existing is not None:
        return existing.pk
    version = scoring.register_version(
        model_name=DEMO_SCORECARD_NAME, card=load_data("demo_scorecard.json"), acting_user=maker
    )
    scoring.approve_version(version, acting_user=checker)
    return scoring.deploy_version(version, acting_user=checker).pk


def seed_default_strategy(*, maker: Any, checker: Any) -> StrategyDeployment:
    """Idempotent: publishes a new version only when the shipped document changed."""
    with transaction.atomic():
        card_id = ensure_demo_scorecard(maker=maker, checker=checker)
        definition = default_definition(card_id)
        strategy = Strategy.objects.filter(code=definition["code"]).first()
        if strategy is None:
            strategy = services.create_strategy(
                code=definition["code"],
                name=definition["name"],
                description=definition.get("description", ""),
                acting_user=maker,
            )
        live = StrategyDeployment.objects.filter(strategy=strategy, product_code="").first()
        if live is not None and live.champion.content_hash == content_hash_of(definition):
            return live
        same = (
            StrategyVersion.objects.filter(
                strategy=strategy, content_hash=content_hash_of(definition)
            )
            .exclude(status=StrategyVersionStatus.DRAFT)
            .first()
        )
        version = same or services.create_draft(
            strategy, definition=definition, acting_user=maker, change_note="默认演示策略"
        )
        if version.status == StrategyVersionStatus.DRAFT:
            version = services.submit_version(version, acting_user=maker)
        if version.status == StrategyVersionStatus.SUBMITTED:
            version = services.approve_version(version, acting_user=checker)
        return services.publish_version(version, acting_user=checker)
