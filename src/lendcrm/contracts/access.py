"""Who may call the contracts pages and API operations (merged into identity.access)."""

from __future__ import annotations

from lendcrm.identity.policy import PUBLIC

PAGE_POLICY: dict[str, str] = {
    "contracts:detail": "contracts.view",
    "contracts:download": "contracts.view",  # audited in the service
    "contracts:panel": "contracts.view",
    "contracts:signing_link": "contracts.manage",
    "contracts:cancel": "contracts.manage",
    "contracts:generate": "contracts.manage",
    # the customer's signing page: the signed, expiring link is the credential
    "contracts:sign": PUBLIC,
    "contracts:sign_document": PUBLIC,
}

API_POLICY: dict[tuple[str, str], str] = {
    ("POST", "api/v1/contracts/applications/{application_id}"): "contracts.manage",
    ("GET", "api/v1/contracts/{contract_id}"): "contracts.view",
}
