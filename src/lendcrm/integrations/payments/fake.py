"""A built-in payment channel simulator: pays out instantly, or fails when told to."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

from lendcrm.integrations.payments.base import PayoutRequest, PayoutResult, sign

FAKE_CHANNEL = "fakepay"


@dataclass
class _Failures:
    reasons: list[str] = field(default_factory=list)


class FakePaymentGateway:
    """Succeeds unless `fail_next()` queued failures; remembers every pay-out it made."""

    channel = FAKE_CHANNEL
    _failures: ClassVar[_Failures] = _Failures()
    paid: ClassVar[dict[str, PayoutResult]] = {}

    @classmethod
    def fail_next(cls, count: int = 1, *, reason: str = "simulated bank rejection") -> None:
        cls._failures.reasons.extend([reason] * count)

    @classmethod
    def reset(cls) -> None:
        cls._failures.reasons.clear()
        cls.paid.clear()

    def pay_out(self, request: PayoutRequest) -> PayoutResult:
        if request.reference in self.paid:
            return self.paid[request.reference]
        if self._failures.reasons:
            result = PayoutResult(succeeded=False, failure_reason=self._failures.reasons.pop(0))
        else:
            result = PayoutResult(succeeded=True, channel_reference=f"FP-{request.reference}")
        self.paid[request.reference] = result
        return result


def webhook_body(
    *,
    txn_id: str,
    loan_no: str,
    amount: Decimal,
    paid_on: date,
    event: str = "payment.succeeded",
    channel: str = FAKE_CHANNEL,
) -> bytes:
    """A repayment notification as the simulated channel would send it."""
    payload = {
        "channel": channel,
        "event": event,
        "txn_id": txn_id,
        "loan_no": loan_no,
        "amount": str(amount),
        "paid_on": paid_on.isoformat(),
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def signed_webhook_batch(
    secret: str, notices: list[dict[str, object]], channel: str = FAKE_CHANNEL
) -> tuple[bytes, str]:
    """A batch of notices in one signed body, as a channel settling in bulk sends it."""
    body = json.dumps(
        {"channel": channel, "notices": notices}, separators=(",", ":"), default=str
    ).encode()
    return body, sign(secret, body)


def signed_webhook(secret: str, **kwargs: object) -> tuple[bytes, str]:
    body = webhook_body(**kwargs)  # type: ignore[arg-type]
    return body, sign(secret, body)
