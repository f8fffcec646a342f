"""API shapes for lead capture. Values are checked by leads.cleaning, so that every problem is
reported per field (and per item in bulk), not as a schema error for the whole body."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema

MAX_BULK = 1000


class LeadIn(Schema):
    name: str | None = None
    mobile: str | int | None = None
    id_number: str | None = None
    city: str | None = None
    requested_amount: Decimal | str | None = None
    purpose: str | None = None
    campaign: str | None = Field(None, examples=["百度信息流-2024Q2"])
    consent: bool | str | None = None
    consent_at: str | None = Field(None, description="ISO 8601, e.g. 2024-05-01T10:00:00+08:00")


class BulkLeadsIn(Schema):
    leads: list[LeadIn] = Field(..., max_length=MAX_BULK)


class FieldErrorOut(Schema):
    field: str
    message: str


class LeadCapturedOut(Schema):
    id: int
    outcome: str
    status: str
    duplicate_of: int | None = None
    customer_id: int | None = None


class BulkItemOut(Schema):
    index: int
    outcome: str
    lead_id: int | None = None
    duplicate_of: int | None = None
    customer_id: int | None = None
    errors: list[FieldErrorOut] = []


class BulkLeadsOut(Schema):
    created: int
    duplicates: int
    rejected: int
    items: list[BulkItemOut]
