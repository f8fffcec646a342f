"""Decision endpoints under /api/v1/decisions: run a pre-screen, read a decision."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from lendcrm.decisions import queries, services
from lendcrm.decisions.models import DecisionRecord
from lendcrm.decisions.schemas import DecisionOut, PreScreenIn

router = Router(tags=["decisions"])


def decision_out(record: DecisionRecord, *, shadow: DecisionRecord | None = None) -> dict[str, Any]:
    version = record.strategy_version
    return {
        "id": record.pk,
        "strategy": version.strategy.code,
        "version": version.number,
        "product": record.product_code,
        "arm": record.arm,
        "applied": record.applied,
        "outcome": record.outcome,
        "limit": record.limit,
        "pricing_tier": record.pricing_tier,
        "score": record.score,
        "score_points": record.score_points,
        "reason_codes": record.reason_codes,
        "rule_results": record.rule_results,
        "latency_ms": record.latency_ms,
        "application_id": record.application_id,
        "created_at": record.created_at,
        "shadow_id": shadow.pk if shadow else None,
    }


@router.post("/pre-screen", response=DecisionOut)
def pre_screen_api(request: HttpRequest, payload: PreScreenIn) -> dict[str, Any]:
    result = services.pre_screen(
        acting_user=request.user,
        application_id=payload.application_id,
        strategy_code=payload.strategy,
        product_code=payload.product,
        payload=payload.input,
    )
    return decision_out(result.record, shadow=result.shadow)


@router.get("/{record_id}", response=DecisionOut)
def get_decision_api(request: HttpRequest, record_id: str) -> dict[str, Any]:
    # A plain string route: an id that is not a UUID is simply not found, after the policy.
    return decision_out(queries.get_record_for_user(request.user, record_id))
