"""What lendcrm needs from a payment channel, whatever the vendor."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

SIGNATURE_HEADER = "X-Signature"


@dataclass(frozen=True)
class PayoutRequest:
    reference: str  # our disbursement id: the channel must treat a repeat as the same pay-out
    amount: Decimal
    account_name: str
    bank_card: str


@dataclass(frozen=True)
class PayoutResult:
    succeeded: bool
    channel_reference: str = ""
    failure_reason: str = ""


class PaymentGateway(Protocol):
    channel: str

    def pay_out(self, request: PayoutRequest) -> PayoutResult: ...


def sign(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of a webhook's raw body under the channel's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, presented: str) -> bool:
    return hmac.compare_digest(sign(secret, body), presented.strip().lower())
