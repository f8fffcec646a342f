"""Payment-channel webhooks: HMAC-SHA256 over the raw body, idempotent by channel txn id.

Notifications may arrive twice or out of order. A repeat of a transaction already posted
changes nothing; a reversal that arrives before its payment leaves a reversed placeholder,
so the late payment notice is then recognised as already settled and is not posted.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from lendcrm.audit.services import record_event
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.core.money import ZERO, to_money
from lendcrm.integrations.payments.base import signature_matches
from lendcrm.loans.choices import PaymentSource, PostingStatus
from lendcrm.loans.models import Loan, Payment, PaymentChannel
from lendcrm.loans.services.repayments import post_payment
from lendcrm.loans.services.reversals import reverse_payment

SUCCEEDED = "payment.succeeded"
REVERSED = "payment.reversed"
_SECRET_TTL = 60.0
_secrets: dict[str, tuple[float, str]] = {}


class WebhookRejected(DomainError):
    status_code = 401


@dataclass(frozen=True)
class Notice:
    channel: str
    event: str
    txn_id: str
    loan_no: str
    amount: Decimal
    paid_on: date


@dataclass(frozen=True)
class WebhookOutcome:
    outcome: str  # posted, duplicate, reversed, reversal_recorded
    payment_id: int


def _secret_for(channel: str) -> str | None:
    cached = _secrets.get(channel)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    row = PaymentChannel.objects.filter(code=channel, is_active=True).first()
    if row is None:
        return None
    secret = str(row.secret)
    _secrets[channel] = (time.monotonic() + _SECRET_TTL, secret)
    return secret


def forget_channel_secrets() -> None:
    _secrets.clear()


def authenticate(body: bytes, signature: str, channel_hint: str = "") -> dict[str, Any]:
    """The parsed payload when the signature matches the channel's secret; else rejected."""
    try:
        payload = json.loads(body)
        channel = channel_hint or str(payload.get("channel", ""))
    except (ValueError, AttributeError):
        payload, channel = None, channel_hint
    secret = _secret_for(channel) if channel else None
    if secret is None or not signature or not signature_matches(secret, body, signature):
        record_event(
            "loans.webhook_rejected",
            metadata={"channel": channel[:40], "reason": "bad signature", "bytes": len(body)},
        )
        raise WebhookRejected("signature does not match")
    if not isinstance(payload, dict):
        raise DomainError("body is not a JSON object", field="body")
    return payload


def parse_notice(payload: dict[str, Any], channel: str) -> Notice:
    try:
        amount = to_money(str(payload["amount"]))
        notice = Notice(
            channel=channel,
            event=str(payload.get("event", SUCCEEDED)),
            txn_id=str(payload["txn_id"])[:64],
            loan_no=str(payload["loan_no"])[:24],
            amount=amount,
            paid_on=date.fromisoformat(str(payload["paid_on"])),
        )
    except (KeyError, ValueError, InvalidOperation) as exc:
        raise DomainError(f"invalid notification: {exc}", field="body") from exc
    if notice.amount <= ZERO or notice.event not in (SUCCEEDED, REVERSED) or not notice.txn_id:
        raise DomainError("invalid notification", field="body")
    return notice


def receive_webhook(body: bytes, signature: str, channel_hint: str = "") -> WebhookOutcome:
    payload = authenticate(body, signature, channel_hint)
    notice = parse_notice(payload, channel_hint or str(payload.get("channel", "")))
    loan = Loan.objects.filter(loan_no=notice.loan_no).only("pk", "loan_no").first()
    if loan is None:
        raise NotFound("unknown loan", field="loan_no")
    if notice.event == REVERSED:
        return _reverse(loan, notice)
    result = post_payment(
        loan,
        amount=notice.amount,
        channel=notice.channel,
        channel_txn_id=notice.txn_id,
        value_date=notice.paid_on,
        source=PaymentSource.WEBHOOK,
    )
    return WebhookOutcome("posted" if result.created else "duplicate", result.payment.pk)


def _reverse(loan: Loan, notice: Notice) -> WebhookOutcome:
    existing = Payment.objects.filter(channel=notice.channel, channel_txn_id=notice.txn_id).first()
    if existing is not None:
        reversed_payment = reverse_payment(
            existing, reason=f"channel reversal {notice.txn_id}", acting_user=None
        )
        return WebhookOutcome("reversed", reversed_payment.pk)
    try:
        with transaction.atomic():
            placeholder = Payment.objects.create(
                loan=loan,
                channel=notice.channel,
                channel_txn_id=notice.txn_id,
                amount=notice.amount,
                value_date=notice.paid_on,
                source=PaymentSource.WEBHOOK,
                status=PostingStatus.REVERSED,
                reversal_reason="reversal received before the payment",
            )
            record_event(
                "loans.payment_reversal_early",
                target=placeholder,
                metadata={"loan": loan.loan_no, "amount": str(notice.amount)},
            )
    except IntegrityError:
        return _reverse(loan, notice)
    return WebhookOutcome("reversal_recorded", placeholder.pk)
