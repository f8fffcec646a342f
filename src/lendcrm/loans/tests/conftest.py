from __future__ import annotations

from collections.abc import Iterator

import pytest

from lendcrm.integrations.payments.fake import FakePaymentGateway
from lendcrm.loans.services.webhooks import forget_channel_secrets


@pytest.fixture(autouse=True)
def _fresh_payment_simulator() -> Iterator[None]:
    FakePaymentGateway.reset()
    forget_channel_secrets()
    yield
    FakePaymentGateway.reset()
    forget_channel_secrets()
