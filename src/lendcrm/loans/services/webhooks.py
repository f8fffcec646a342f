"""Payment-channel webhooks: HMAC-SHA256 over the raw body, idempotent by channel txn id.

Notifications may arrive twice or out of order. Each is stored once in the inbox
(services/inbox.py) and posted in arrival order. A repeat of a transaction already posted
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

from django.conf import settings
from django.db import IntegrityError, transaction

from lendcrm.audit.services import record_event
from lendcrm.core.errors import Conflict, DomainError, NotFound
from lendcrm.core.money import ZERO, to_money
from lendcrm.integrations.payments.base import signature_matches
from lendcrm.loans.choices import NoticeStatus, PaymentSource, PostingStatus
from lendcrm.loans.models import Loan, Payment, PaymentChannel, PaymentNotice
from lendcrm.loans.services import inbox
from lendcrm.loans.services.reversals import reverse_payment

SUCCEEDED = inbox.SUCCEEDED
REVERSED = inbox.REVERSED
_WAKE_UP_KEY = "lendcrm:loans:payment-notices:wake-up"
_WAKE_UP_MS = 200
_last_wake_up = 0.0
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
    outcome: str  # accepted, posted, duplicate, reversed, reversal_recorded
    payment_id: int | None
    notice_id: int | None = None


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
    """Store the notice in the inbox; post it now unless workers do it (inbox.py)."""
    payload = authenticate(body, signature, channel_hint)
    notice = parse_notice(payload, channel_hint or str(payload.get("channel", "")))
    if not Loan.objects.filter(loan_no=notice.loan_no).exists():
        raise NotFound("unknown loan", field="loan_no")
    stored = inbox.store_notice(
        channel=notice.channel,
        txn_id=notice.txn_id,
        event=notice.event,
        loan_no=notice.loan_no,
        amount=notice.amount,
        paid_on=notice.paid_on,
    )
    row = stored.notice
    if stored.created and inbox.posting_is_queued():
        transaction.on_commit(request_posting)
    elif stored.created:
        inbox.post_received(notice_ids=[row.pk])
        row.refresh_from_db()
    return _answer(row, first_delivery=stored.created)


def request_posting() -> None:
    """Wake a worker to post the inbox; at most one wake-up per short interval."""
    from lendcrm.loans.tasks import post_payment_notices_task

    global _last_wake_up
    now = time.monotonic()
    if now - _last_wake_up < _WAKE_UP_MS / 1000:
        return  # this process asked moments ago; that worker's drain will find this notice
    _last_wake_up = now
    if _wake_up_is_due():
        post_payment_notices_task.delay()


def _wake_up_is_due() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(str(settings.REDIS_URL), socket_timeout=1)
        return bool(client.set(_WAKE_UP_KEY, "1", nx=True, px=_WAKE_UP_MS))
    except redis.RedisError:
        return True  # better a spare wake-up than a notice left waiting


def _answer(row: PaymentNotice, *, first_delivery: bool) -> WebhookOutcome:
    outcome = outcome_of(row, first_delivery=first_delivery)
    if outcome == "failed":
        raise Conflict(row.error or "the notice could not be posted", field="body")
    return WebhookOutcome(outcome, row.payment_id, row.pk)


def outcome_of(row: PaymentNotice, *, first_delivery: bool) -> str:
    """What the channel is told: accepted while waiting, then the posting's result."""
    status = NoticeStatus(row.status)
    if status == NoticeStatus.RECEIVED:
        return "accepted"
    if status == NoticeStatus.POSTED and not first_delivery:
        return "duplicate"
    return str(status.value)


def reverse_notice(notice: PaymentNotice) -> WebhookOutcome:
    """A channel's reversal: of the posted payment, or a placeholder when it has not arrived."""
    existing = Payment.objects.filter(channel=notice.channel, channel_txn_id=notice.txn_id).first()
    if existing is not None:
        reversed_payment = reverse_payment(
            existing, reason=f"channel reversal {notice.txn_id}", acting_user=None
        )
        return WebhookOutcome("reversed", reversed_payment.pk, notice.pk)
    loan = Loan.objects.get(loan_no=notice.loan_no)
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
        return reverse_notice(notice)
    return WebhookOutcome("reversal_recorded", placeholder.pk, notice.pk)
