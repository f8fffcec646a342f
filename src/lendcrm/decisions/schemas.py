"""Request and response bodies of the decisions API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import BaseModel

InputValue = str | int | float | bool | None


class PreScreenIn(Schema):
    """Either an application (`application_id`) or a channel's data (`input`)."""

    application_id: int | None = None
    strategy: str = Field("", max_length=64, description="strategy code; default: the live one")
    product: str = Field("", max_length=32, description="product code")
    input: dict[str, InputValue] | None = Field(
        None, description="raw applicant data; identifiers are blind-indexed, never stored"
    )


class RuleResultOut(BaseModel):
    """A plain model: always built from the engine's dicts, never from ORM objects, so it skips
    ninja's per-object attribute resolver (ten or more of these in every pre-screen answer)."""

    step: str
    rule_id: str
    hit: bool
    outputs: dict[str, Any]


class DecisionOut(Schema):
    id: UUID
    strategy: str
    version: int
    product: str
    arm: str
    applied: bool
    outcome: str
    limit: Decimal | None
    pricing_tier: str
    score: str | None
    score_points: dict[str, str]
    reason_codes: list[str]
    rule_results: list[RuleResultOut]
    latency_ms: Decimal
    application_id: int | None
    created_at: datetime
    shadow_id: UUID | None = None
