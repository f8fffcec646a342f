"""Customer acceptance through an e-signature provider (电子签章), behind one interface.

`ESignProvider` is what a vendor adapter implements (e.g. a CFCA or e签宝 client):
`request_signature` starts a signing request for a lender-signed contract and returns where
the customer signs; `verify_request` turns what the customer brings back (a token, a vendor
callback) into the contract it belongs to, or refuses it. The contracts service records the
acceptance itself (`services.accept_contract`), so every provider ends in the same audited
SignatureRecord.

`ClickToSignProvider` is the built-in one: a link to a public page, signed with Django's
signing framework (salted, time-stamped, expiring after LENDCRM_ESIGN_LINK_DAYS, 7 by
default), on which the customer reads the contract and clicks 确认签署.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core import signing
from django.urls import reverse

from lendcrm.contracts.models import Contract
from lendcrm.core import clock
from lendcrm.core.errors import DomainError

LINK_SALT = "lendcrm.contracts.click-to-sign"


class SigningLinkInvalid(DomainError):
    """A signing link that was forged, altered, or has expired."""

    status_code = 403


@dataclass(frozen=True)
class SigningRequest:
    contract_id: int
    provider: str
    url: str  # where the customer signs (a path for the built-in provider)
    token: str
    expires_at: datetime


class ESignProvider(Protocol):
    name: str

    def request_signature(self, contract: Contract) -> SigningRequest: ...

    def verify_request(self, token: str) -> int:
        """The contract id the token was issued for; SigningLinkInvalid otherwise."""
        ...


def link_lifetime() -> timedelta:
    return timedelta(days=int(getattr(settings, "LENDCRM_ESIGN_LINK_DAYS", 7)))


class ClickToSignProvider:
    """Signed, expiring links to the public 确认签署 page."""

    name = "click_to_sign"

    def request_signature(self, contract: Contract) -> SigningRequest:
        token = signing.dumps(
            {"c": contract.pk, "h": contract.pdf_sha256[:16]}, salt=LINK_SALT, compress=True
        )
        return SigningRequest(
            contract_id=contract.pk,
            provider=self.name,
            url=reverse("contracts:sign", args=[token]),
            token=token,
            expires_at=clock.now() + link_lifetime(),
        )

    def verify_request(self, token: str) -> int:
        try:
            data = signing.loads(token, salt=LINK_SALT, max_age=link_lifetime())
        except signing.SignatureExpired:
            raise SigningLinkInvalid("the signing link has expired", field="token") from None
        except signing.BadSignature:
            raise SigningLinkInvalid("the signing link is not valid", field="token") from None
        if not isinstance(data, dict) or not isinstance(data.get("c"), int):
            raise SigningLinkInvalid("the signing link is not valid", field="token")
        return int(data["c"])


def get_provider() -> ESignProvider:
    """The configured provider (setting LENDCRM_ESIGN_PROVIDER, a dotted path); built-in by default."""
    path = getattr(settings, "LENDCRM_ESIGN_PROVIDER", "")
    if path:
        from django.utils.module_loading import import_string

        provider: ESignProvider = import_string(path)()
        return provider
    return ClickToSignProvider()
