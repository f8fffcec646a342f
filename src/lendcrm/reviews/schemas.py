"""Request and response bodies of the reviews API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field


class TaskListQuery(Schema):
    view: Literal["mine", "pool", "team"] = "mine"
    limit: int = Field(default=100, ge=1, le=200)


class ReviewTaskOut(Schema):
    id: int
    application_id: int
    application_no: str
    product: str
    amount: Decimal
    risk_grade: str
    level: str
    status: str
    assignee: str | None
    due_at: datetime
    overdue: bool
    escalated_at: datetime | None


class OpinionIn(Schema):
    recommendation: Literal["approve", "decline", "return"]
    approved_amount: Decimal | None = None
    approved_rate: Decimal | None = Field(default=None, description="annual, e.g. 0.1800")
    approved_term: int | None = None
    approved_method: str = ""
    risk_points: list[str] = Field(default_factory=list)
    risk_note: str = Field(default="", max_length=500)
    comment: str = Field(default="", max_length=4000)


class OpinionOut(Schema):
    id: int
    task_id: int
    application_id: int
    application_status: str
    recommendation: str
    approved_amount: Decimal | None
    approved_rate: Decimal | None
    approved_term: int | None
    approved_method: str
    risk_points: list[str]
