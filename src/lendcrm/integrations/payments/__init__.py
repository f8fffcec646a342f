"""Payment channels: pay-outs for disbursement and signed webhooks for repayments."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from lendcrm.integrations.payments.base import PaymentGateway

DEFAULT_GATEWAY = "lendcrm.integrations.payments.fake.FakePaymentGateway"


def get_gateway() -> PaymentGateway:
    """The configured gateway (setting LENDCRM_PAYMENT_GATEWAY); the simulator by default."""
    path = getattr(settings, "LENDCRM_PAYMENT_GATEWAY", DEFAULT_GATEWAY)
    gateway: PaymentGateway = import_string(path)()
    return gateway
