"""Scoped reads of strategies, deployments, decision records and lists.

Strategies and lists hold no customer data in the clear: the route's capability is the access
rule. Decision records linked to an application carry its owner/team/branch and are read
through the caller's data scope; records from a channel's payload (no application) are visible
to roles with the all-records scope only.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lendcrm.core.errors import NotFound
from lendcrm.decisions.models import (
    DecisionRecord,
    ListEntry,
    Strategy,
    StrategyDeployment,
    StrategyVersion,
)
from lendcrm.identity.scoping import get_scoped, scoped


def list_strategies() -> QuerySet[Strategy]:
    return Strategy.objects.select_related("created_by").order_by("code")


def get_strategy(code: str) -> Strategy:
    try:
        return Strategy.objects.get(code=code)
    except Strategy.DoesNotExist as exc:
        raise NotFound(_("策略不存在")) from exc


def list_versions(strategy: Strategy) -> QuerySet[StrategyVersion]:
    return strategy.versions.select_related(
        "author", "submitted_by", "approved_by", "published_by"
    ).order_by("-number")


def get_version(version_id: Any) -> StrategyVersion:
    try:
        return StrategyVersion.objects.select_related("strategy").get(pk=version_id)
    except (StrategyVersion.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("策略版本不存在")) from exc


def list_deployments(strategy: Strategy | None = None) -> QuerySet[StrategyDeployment]:
    found = StrategyDeployment.objects.select_related(
        "strategy", "champion__strategy", "challenger__strategy", "updated_by"
    )
    return found.filter(strategy=strategy) if strategy else found


def get_live_deployment(*, strategy_code: str = "", product_code: str = "") -> StrategyDeployment:
    """The deployment for the strategy (any, when not named) and product, else its default.

    A deployment with an empty product code applies to every product without its own.
    """
    found = list_deployments().filter(product_code__in=[product_code, ""])
    if strategy_code:
        found = found.filter(strategy__code=strategy_code)
    candidates = sorted(found, key=lambda d: (d.product_code != product_code, d.strategy.code))
    if not candidates:
        raise NotFound(_("没有可用的已发布策略"))
    return candidates[0]


def list_records_for_user(user: Any) -> QuerySet[DecisionRecord]:
    return scoped(DecisionRecord.objects.select_related("strategy_version__strategy"), user)


def get_record_for_user(user: Any, record_id: Any) -> DecisionRecord:
    try:
        record_id = UUID(str(record_id))
    except ValueError as exc:
        raise NotFound(_("决策记录不存在")) from exc
    return get_scoped(
        DecisionRecord.objects.select_related("strategy_version__strategy"), user, record_id
    )


def list_records_for_replay(*, limit: int | None = None) -> QuerySet[DecisionRecord]:
    found = DecisionRecord.objects.select_related("strategy_version").order_by("created_at")
    return found[:limit] if limit else found


def get_record(record_id: Any) -> DecisionRecord:
    try:
        return DecisionRecord.objects.select_related("strategy_version").get(
            pk=UUID(str(record_id))
        )
    except (DecisionRecord.DoesNotExist, ValueError) as exc:
        raise NotFound(_("决策记录不存在")) from exc


def get_application_for_user(user: Any, application_id: Any) -> Any:
    from lendcrm.applications.models import Application

    return get_scoped(
        Application.objects.select_related("customer", "product"), user, application_id
    )


def list_entries() -> QuerySet[ListEntry]:
    return ListEntry.objects.order_by("-created_at")
