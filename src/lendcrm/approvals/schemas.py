"""Request and response bodies of /api/v1/approvals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class TaskOut(Schema):
    id: int
    application_id: int
    application_no: str
    product: str
    requested_amount: Decimal
    level: str
    kind: str
    position: int
    status: str
    assignee_id: int
    delegated: bool  # the caller acts for the assignee
    amount: Decimal  # the terms in effect (the previous level's)
    annual_rate: Decimal
    term: int
    repayment_method: str
    created_at: datetime


class ActionIn(Schema):
    """Terms are optional: any left out keep the previous level's value."""

    action: str = Field(description="approve | reject | return")
    amount: Decimal | None = None
    annual_rate: Decimal | None = Field(None, description="fraction: 0.1800 = 18%")
    term: int | None = None
    repayment_method: str | None = None
    note: str = ""


class ActionOut(Schema):
    task_id: int
    task_status: str
    instance_id: int
    instance_status: str
    current_position: int
    application_id: int
    application_status: str
