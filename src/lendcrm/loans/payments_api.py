"""POST /api/v1/payments/webhook: repayment notices from payment channels.

Public in the access policy: the caller is a channel, authenticated by the HMAC-SHA256
signature of the raw body (header X-Signature) under that channel's secret.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from lendcrm.integrations.payments.base import SIGNATURE_HEADER
from lendcrm.loans.schemas import WebhookBatchItemOut, WebhookOut
from lendcrm.loans.services.webhook_batches import receive_batch
from lendcrm.loans.services.webhooks import receive_webhook

router = Router(tags=["payments"])


@router.post("/webhook", auth=None, response=WebhookOut)
def payment_webhook(request: HttpRequest) -> WebhookOut:
    outcome = receive_webhook(
        request.body,
        request.headers.get(SIGNATURE_HEADER, ""),
        request.headers.get("X-Channel", "")[:40],
    )
    return WebhookOut(
        outcome=outcome.outcome, payment_id=outcome.payment_id, notice_id=outcome.notice_id
    )


@router.post("/webhook/batch", auth=None, response=list[WebhookBatchItemOut])
def payment_webhook_batch(request: HttpRequest) -> list[WebhookBatchItemOut]:
    """Up to 1,000 notices in one signed body ({"channel", "notices": [...]}), per item."""
    answers = receive_batch(
        request.body,
        request.headers.get(SIGNATURE_HEADER, ""),
        request.headers.get("X-Channel", "")[:40],
    )
    return [WebhookBatchItemOut(**vars(answer)) for answer in answers]
