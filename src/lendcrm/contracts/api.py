"""Contracts endpoints under /api/v1/contracts."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from lendcrm.applications.queries import get_application
from lendcrm.contracts import queries, services
from lendcrm.contracts.models import Contract
from lendcrm.contracts.schemas import ContractOut, SignatureOut

router = Router(tags=["contracts"])


def contract_out(contract: Contract) -> ContractOut:
    return ContractOut(
        id=contract.pk,
        contract_no=contract.contract_no,
        application_id=contract.application_id,
        status=contract.status,
        template_version=contract.template_version,
        pdf_sha256=contract.pdf_sha256,
        signer_subject=contract.signer_subject,
        lender_signed_at=contract.lender_signed_at,
        customer_signed_at=contract.customer_signed_at,
        loan_no=contract.loan.loan_no if contract.loan else None,
        credit_line_no=contract.credit_line.line_no if contract.credit_line else None,
        download_url=reverse("contracts:download", args=[contract.pk]),
        terms=contract.terms,
        signatures=[
            SignatureOut(
                party=s.party,
                method=s.method,
                provider=s.provider,
                signer_name=s.signer_name,
                signed_at=s.signed_at,
                ip_address=s.ip_address,
                user_agent=s.user_agent,
                document_sha256=s.document_sha256,
            )
            for s in queries.list_signatures(contract)
        ],
    )


@router.post("/applications/{int:application_id}", response={201: ContractOut})
def generate_contract_api(request: HttpRequest, application_id: int) -> Status[ContractOut]:
    """Generate the approved application's contract and seal it with the lender's signature.

    409 when the application is not approved or already has a contract; 400 naming the field
    when the approved terms are missing or outside the product.
    """
    application = get_application(request.user, application_id)
    contract = services.generate_contract(application, acting_user=request.user)
    return Status(201, contract_out(queries.get_contract_for_user(request.user, contract.pk)))


@router.get("/{int:contract_id}", response=ContractOut)
def get_contract_api(request: HttpRequest, contract_id: int) -> ContractOut:
    """A contract in the caller's data scope: status, terms snapshot, signatures."""
    return contract_out(queries.get_contract_for_user(request.user, contract_id))
