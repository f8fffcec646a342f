from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class SignatureOut(Schema):
    party: str
    method: str
    provider: str
    signer_name: str
    signed_at: datetime
    ip_address: str | None
    user_agent: str
    document_sha256: str


class ContractOut(Schema):
    id: int
    contract_no: str
    application_id: int
    status: str
    template_version: int
    pdf_sha256: str
    signer_subject: str
    lender_signed_at: datetime | None
    customer_signed_at: datetime | None
    loan_no: str | None
    credit_line_no: str | None
    download_url: str
    terms: dict[str, Any]
    signatures: list[SignatureOut]
