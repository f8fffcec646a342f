from __future__ import annotations

from decimal import Decimal

from lendcrm.integrations.payments.base import PayoutRequest, sign, signature_matches
from lendcrm.integrations.payments.fake import FakePaymentGateway


def test_the_simulator_pays_out_once_per_reference_and_fails_when_told() -> None:
    gateway = FakePaymentGateway()
    FakePaymentGateway.fail_next(reason="余额不足")

    failed = gateway.pay_out(PayoutRequest("D1", Decimal("100.00"), "张三", ""))
    paid = gateway.pay_out(PayoutRequest("D2", Decimal("100.00"), "张三", ""))
    again = gateway.pay_out(PayoutRequest("D2", Decimal("100.00"), "张三", ""))

    assert (failed.succeeded, failed.failure_reason) == (False, "余额不足")
    assert paid.succeeded
    assert again == paid


def test_signatures_are_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"txn_id":"1"}'

    assert sign("k", body) == "26e6b7f166cae461ed6c7af913b464ffefe25a21f104808ba72dc6724f4e4cfa"
    assert signature_matches("k", body, sign("k", body).upper())
    assert not signature_matches("other", body, sign("k", body))
