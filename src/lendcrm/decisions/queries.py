"""Scoped reads of strategies, deployments, decision records and lists.

Strategies and lists hold no customer data in the clear: the route's capability is the access
rule. Decision records linked to an application carry its owner/team/branch and are read
through the caller's data scope; records from a channel's payload (no application) are visible
to roles with the all-records scope only.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import connection
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


_LIVE_CACHE: dict[tuple[Any, ...], StrategyDeployment] = {}
_LIVE_CACHE_SIZE = 64


def get_live_deployment(*, strategy_code: str = "", product_code: str = "") -> StrategyDeployment:
    """The deployment for the strategy (any, when not named) and product, else its default.

    A deployment with an empty product code applies to every product without its own.
    Read on every pre-screen, so a publish or a new challenger takes effect on the next
    request in every process: only the narrow rows (ids, the versions' content hashes, the
    split, updated_at) are read, and the deployment with its versions and documents is reused
    from a per-process cache while its row reads the same. Treat the result as read-only.
    """
    rows = sorted(
        _live_rows(strategy_code, product_code), key=lambda r: (r[1] != product_code, r[2])
    )
    if not rows:
        raise NotFound(_("没有可用的已发布策略"))
    cached = _LIVE_CACHE.get(rows[0])
    if cached is not None:
        return cached
    # Read after the row: a publish committed in between makes this newer than the row says,
    # never older, and the next request sees the new row and reads it again.
    deployment = list_deployments().get(pk=rows[0][0])
    if len(_LIVE_CACHE) >= _LIVE_CACHE_SIZE:
        _LIVE_CACHE.clear()
    _LIVE_CACHE[rows[0]] = deployment
    return deployment


def _live_rows(strategy_code: str, product_code: str) -> list[tuple[Any, ...]]:
    """(id, product, strategy code, champion, its hash, challenger, its hash, share, mode,
    updated_at) of the candidate deployments.

    Plain SQL: building this statement with the ORM cost more than running it, on every
    pre-screen. The values are only compared with each other, never interpreted.
    """
    deployment, strategy = StrategyDeployment._meta.db_table, Strategy._meta.db_table
    version = StrategyVersion._meta.db_table
    sql = (
        f"SELECT d.id, d.product_code, s.code, d.champion_id, c.content_hash,"  # noqa: S608
        f" d.challenger_id, x.content_hash, d.challenger_share, d.mode, d.updated_at"
        f" FROM {deployment} d JOIN {strategy} s ON s.id = d.strategy_id"
        f" JOIN {version} c ON c.id = d.champion_id"
        f" LEFT JOIN {version} x ON x.id = d.challenger_id"
        f" WHERE d.product_code IN (%s, %s)"
    )
    params: list[Any] = [product_code, ""]
    if strategy_code:
        sql += " AND s.code = %s"
        params.append(strategy_code)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


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


def list_entries() -> QuerySet[ListEntry]:
    return ListEntry.objects.order_by("-created_at")
