"""Request and response bodies of the sales API."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class TaskOut(Schema):
    id: int
    lead_id: int
    lead_name: str
    kind: str
    status: str
    due_at: datetime
    overdue: bool
    assignee: str
    escalated_to: str | None


class TaskListQuery(Schema):
    status: str = ""
    mine: bool = False
    limit: int = Field(default=100, ge=1, le=100)


class FollowUpIn(Schema):
    channel: str
    result: str
    intent_after: str = ""
    refusal_reason: str = Field(default="", description="code of a refusal reason (拒绝原因)")
    refusal_note: str = Field(default="", max_length=300)
    next_follow_up_at: datetime | None = None
    note: str = Field(default="", max_length=2000)


class FollowUpOut(Schema):
    id: int
    lead_id: int
    channel: str
    result: str
    intent_before: str
    intent_after: str
    refusal_reason: str
    lead_status: str


class StageIn(Schema):
    to: str
    reason: str = Field(default="", max_length=200)


class StageOut(Schema):
    id: int
    status: str
