"""Lead capture under /api/v1/leads, for channels: authenticated by X-API-Key, not a user token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from lendcrm.core.errors import DomainError
from lendcrm.leads.choices import CaptureOutcome, ChannelKeyScope
from lendcrm.leads.cleaning import LeadInput
from lendcrm.leads.schemas import BulkLeadsIn, BulkLeadsOut, LeadCapturedOut, LeadIn
from lendcrm.leads.services import authenticate_channel_key
from lendcrm.leads.services.capture import CaptureResult, capture_leads
from lendcrm.leads.services.idempotency import run_once

router = Router(tags=["leads"])
IDEMPOTENCY_HEADER = "Idempotency-Key"


def _input(item: LeadIn) -> LeadInput:
    return LeadInput(**item.model_dump())


def _problems(result: CaptureResult) -> list[dict[str, str]]:
    return [{"field": p.field, "message": p.message} for p in result.errors]


@router.post("", auth=None, response={201: LeadCapturedOut, 200: LeadCapturedOut})
def capture_lead_api(request: HttpRequest, payload: LeadIn) -> HttpResponse:
    """One lead from a channel (scope leads:create). Send Idempotency-Key to retry safely."""
    channel = authenticate_channel_key(
        request.headers.get("X-API-Key", ""), ChannelKeyScope.LEADS_CREATE
    )

    def run() -> tuple[int, dict[str, Any]]:
        result = capture_leads(channel, [_input(payload)])[0]
        if result.outcome == CaptureOutcome.REJECTED:
            problems = result.errors
            raise DomainError(_("线索数据无效"), problems=problems)
        body = LeadCapturedOut(
            id=result.lead_id or 0,
            outcome=result.outcome,
            status=result.status,
            duplicate_of=result.duplicate_of,
            customer_id=result.customer_id,
        )
        return 201, body.model_dump(mode="json")

    status, body = run_once(
        channel, request.headers.get(IDEMPOTENCY_HEADER, ""), payload.model_dump(mode="json"), run
    )
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@router.post("/bulk", auth=None, response=BulkLeadsOut)
def capture_leads_bulk_api(request: HttpRequest, payload: BulkLeadsIn) -> HttpResponse:
    """Up to 1,000 leads (scope leads:bulk); every item is answered by its index."""
    channel = authenticate_channel_key(
        request.headers.get("X-API-Key", ""), ChannelKeyScope.LEADS_BULK
    )

    def run() -> tuple[int, dict[str, Any]]:
        results = capture_leads(channel, [_input(item) for item in payload.leads])
        items = [
            {
                "index": r.index,
                "outcome": r.outcome,
                "lead_id": r.lead_id,
                "duplicate_of": r.duplicate_of,
                "customer_id": r.customer_id,
                "errors": _problems(r),
            }
            for r in results
        ]
        counts = {o: sum(1 for r in results if r.outcome == o) for o in CaptureOutcome.values}
        body = {
            "created": counts[CaptureOutcome.CREATED],
            "duplicates": counts[CaptureOutcome.DUPLICATE],
            "rejected": counts[CaptureOutcome.REJECTED],
            "items": items,
        }
        return 200, body

    status, body = run_once(
        channel, request.headers.get(IDEMPOTENCY_HEADER, ""), payload.model_dump(mode="json"), run
    )
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
