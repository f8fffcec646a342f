"""POST /api/v1/payments/webhook: repayment notices from payment channels.

Public in the access policy: the caller is a channel, authenticated by the HMAC-SHA256
signature of the raw body (header X-Signature) under that channel's secret.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from lendcrm.integrations.payments.base import SIGNATURE_HEADER
from lendcrm.loans.schemas import WebhookOut
from lendcrm.loans.services.webhooks import receive_webhook

router = Router(tags=["payments"])


@router.post("/webhook", auth=None, response=WebhookOut)
def payment_webhook(request: HttpRequest) -> WebhookOut:
    outcome = receive_webhook(
        request.body,
        request.headers.get(SIGNATURE_HEADER, ""),
        request.headers.get("X-Channel", "")[:40],
    )
    return WebhookOut(outcome=outcome.outcome, payment_id=outcome.payment_id)
