"""Contract operations: generate and seal, send for signing, accept, hand over, download.

    contract = generate_contract(application, acting_user=user)       # approved applications
    link = request_customer_signature(contract, acting_user=user)     # the e-sign provider
    accept_by_link(token, document_sha256=..., ip_address=..., user_agent=...)

Acceptance hands over to servicing explicitly (no signals): the application becomes signed,
a single loan (单笔单贷) is created with its schedule and disbursed through the payment
gateway, and the application becomes disbursed when the pay-out succeeds. The gateway is
called after the acceptance has committed, outside any transaction (loans.services
.disbursements' rule); a failed pay-out cancels the loan and leaves the application signed,
for staff to follow up. A revolving product opens a credit line (授信) instead; its drawdowns
are disbursed later, one by one, so the application stays signed.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.applications.transitions import transition_application
from lendcrm.audit.services import record_event
from lendcrm.contracts import rendering, signing, terms
from lendcrm.contracts.choices import ContractStatus, SignatureMethod, SignatureParty
from lendcrm.contracts.esign import ESignProvider, SigningRequest, get_provider
from lendcrm.contracts.models import Contract, ContractTemplate, SignatureRecord
from lendcrm.contracts.transitions import transition_contract
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.core.money import to_money
from lendcrm.loans.choices import DisbursementStatus, ProductKind, RepaymentMethod
from lendcrm.loans.models import Disbursement, Product
from lendcrm.loans.schedule.calendar import add_months
from lendcrm.loans.services.numbers import new_number


def template_for(product: Product) -> ContractTemplate:
    """The product's newest active template, else the newest product-less default."""
    rows = ContractTemplate.objects.filter(is_active=True).order_by("-version")
    template = rows.filter(product=product).first() or rows.filter(product=None).first()
    if template is None:
        raise DomainError("no contract template for the product", field="template")
    return template


def _approved_terms(application: Application) -> terms.ApprovedTerms:
    if application.status != ApplicationStatus.APPROVED:
        raise Conflict("application is not approved", field="status")
    missing = [
        name
        for name in ("approved_amount", "approved_rate", "approved_term", "approved_method")
        if not getattr(application, name)
    ]
    if missing:
        raise DomainError(f"application is approved but {missing[0]} is not set", field=missing[0])
    assert application.approved_amount is not None
    assert application.approved_rate is not None
    assert application.approved_term is not None
    approved = terms.ApprovedTerms(
        amount=to_money(application.approved_amount),
        annual_rate=application.approved_rate,
        term=application.approved_term,
        method=RepaymentMethod(application.approved_method),
    )
    _check_against_product(application.product, approved)
    return approved


def _check_against_product(product: Product, approved: terms.ApprovedTerms) -> None:
    """The checks disbursement will make, made now: a contract the loan cannot follow is refused."""
    if not product.min_amount <= approved.amount <= product.max_amount:
        raise DomainError(
            f"approved_amount must lie within {product.min_amount}–{product.max_amount}",
            field="approved_amount",
        )
    if product.terms and approved.term not in product.terms:
        raise DomainError(f"approved_term must be one of {product.terms}", field="approved_term")
    if product.repayment_methods and approved.method not in product.repayment_methods:
        raise DomainError("approved_method is not offered by the product", field="approved_method")
    if not product.min_rate <= approved.annual_rate <= product.max_rate:
        raise DomainError(
            f"approved_rate must lie within {product.min_rate}–{product.max_rate}",
            field="approved_rate",
        )


def generate_contract(application: Application, *, acting_user: Any) -> Contract:
    """Render the approved application's contract, seal it with the lender's signature.

    Refused (Conflict on `status`: "application is not approved") unless the application is
    approved with its approved terms set and within the product; a refusal is audited too.
    """
    try:
        return _generate(application, acting_user=acting_user)
    except DomainError as exc:
        record_event(
            "contracts.generation_refused",
            actor=acting_user,
            target=application,
            metadata={
                "reason": exc.message[:200],
                "field": exc.problems[0].field if exc.problems else "",
            },
        )
        raise


def _generate(application: Application, *, acting_user: Any) -> Contract:
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("product", "customer")
            .get(pk=application.pk)
        )
        approved = _approved_terms(application)
        if Contract.objects.filter(application=application).exists():
            raise Conflict("the application already has a contract", field="application")
        template = template_for(application.product)
        contract_no = new_number("HT")
        snapshot = _terms_snapshot(application, approved, contract_no)
        contract = Contract.objects.create(
            contract_no=contract_no,
            application=application,
            template=template,
            template_version=template.version,
            terms=snapshot,
            generated_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            owner_id=application.owner_id,
            team_id=application.team_id,
            branch_id=application.branch_id,
        )
        unsigned = _render_pdf(template, snapshot, title=template.title)
        record_event(
            "contracts.generated",
            actor=acting_user,
            target=contract,
            metadata={
                "application": application.application_no,
                "template_version": template.version,
                "amount": snapshot["loan"]["amount_value"],
            },
        )
        _seal(contract, unsigned, acting_user=acting_user)
    return contract


def _terms_snapshot(
    application: Application, approved: terms.ApprovedTerms, contract_no: str
) -> dict[str, Any]:
    customer = application.customer
    parties = terms.Parties(
        lender_name=signing.lender_name(),
        borrower_name=customer.name,
        borrower_id_number=customer.id_number,
        customer_no=customer.customer_no,
    )
    return terms.build_terms(
        contract_no=contract_no,
        application_no=application.application_no,
        parties=parties,
        product=application.product,
        approved=approved,
        purpose=application.purpose,
        start=clock.today(),
    )


def _render_pdf(template: ContractTemplate, snapshot: dict[str, Any], *, title: str) -> bytes:
    text = rendering.render_body(template.body, snapshot)
    footer = f"{snapshot['contract_no']}  ·  {title} v{template.version}"
    return rendering.build_pdf(rendering.parse_blocks(text), title=title, footer=footer)


def _seal(contract: Contract, unsigned: bytes, *, acting_user: Any) -> None:
    """The lender's PAdES signature; the stored file and its hash are the signed ones."""
    signed, subject = signing.sign_pdf(unsigned, reason=f"贷款人签署合同 {contract.contract_no}")
    digest = hashlib.sha256(signed).hexdigest()
    now = clock.now()
    contract.pdf.save(f"{contract.contract_no}.pdf", ContentFile(signed), save=False)
    contract.pdf_sha256 = digest
    contract.signer_subject = subject
    contract.lender_signed_at = now
    transition_contract(contract, to=ContractStatus.LENDER_SIGNED)
    contract.save()
    SignatureRecord.objects.create(
        contract=contract,
        party=SignatureParty.LENDER,
        method=SignatureMethod.PADES,
        provider="pyhanko",
        signer_name=signing.lender_name(),
        signed_at=now,
        document_sha256=digest,
    )
    record_event(
        "contracts.lender_signed",
        actor=acting_user,
        target=contract,
        metadata={"sha256": digest, "certificate": subject[:120]},
    )


def request_customer_signature(
    contract: Contract, *, acting_user: Any, provider: ESignProvider | None = None
) -> SigningRequest:
    """Start the customer's signing with the e-sign provider (the link to send); audited."""
    if contract.status != ContractStatus.LENDER_SIGNED:
        raise Conflict(
            f"contract {contract.contract_no} is not waiting for the customer", field="status"
        )
    provider = provider or get_provider()
    request = provider.request_signature(contract)
    record_event(
        "contracts.signature_requested",
        actor=acting_user,
        target=contract,
        metadata={"provider": provider.name, "expires_at": request.expires_at.isoformat()},
    )
    return request


def contract_for_link(token: str, *, provider: ESignProvider | None = None) -> Contract:
    """The contract a signing link was issued for; SigningLinkInvalid when forged or expired."""
    provider = provider or get_provider()
    contract_id = provider.verify_request(token)
    contract = (
        Contract.objects.select_related("application__customer", "application__product")
        .filter(pk=contract_id)
        .first()
    )
    if contract is None:
        from lendcrm.contracts.esign import SigningLinkInvalid

        raise SigningLinkInvalid("the signing link is not valid", field="token")
    return contract


def accept_by_link(
    token: str,
    *,
    document_sha256: str,
    ip_address: str | None,
    user_agent: str,
    provider: ESignProvider | None = None,
) -> Contract:
    """The customer's 确认签署 on the built-in page: verify the link, accept, hand over."""
    provider = provider or get_provider()
    contract = contract_for_link(token, provider=provider)
    accept_contract(
        contract,
        document_sha256=document_sha256,
        ip_address=ip_address,
        user_agent=user_agent,
        provider_name=provider.name,
    )
    return hand_over_to_servicing(contract)


def accept_contract(
    contract: Contract,
    *,
    document_sha256: str,
    ip_address: str | None,
    user_agent: str,
    provider_name: str,
    external_ref: str = "",
) -> SignatureRecord:
    """Record the customer's signature on the document they saw; the contract is signed."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.status == ContractStatus.CUSTOMER_SIGNED:
            raise Conflict("the contract is already signed by the customer", field="status")
        if locked.status != ContractStatus.LENDER_SIGNED:
            raise Conflict(
                f"the contract is {locked.get_status_display()}: it cannot be signed",
                field="status",
            )
        if document_sha256.strip().lower() != locked.pdf_sha256:
            raise Conflict(
                "the document signed is not the contract's current document",
                field="document_sha256",
            )
        application = Application.objects.select_for_update().get(pk=locked.application_id)
        now = clock.now()
        record = SignatureRecord.objects.create(
            contract=locked,
            party=SignatureParty.CUSTOMER,
            method=SignatureMethod.CLICK_TO_SIGN,
            provider=provider_name,
            signer_name=locked.terms.get("borrower", {}).get("name", ""),
            signed_at=now,
            ip_address=ip_address or None,
            user_agent=user_agent[:400],
            document_sha256=locked.pdf_sha256,
            external_ref=external_ref[:64],
        )
        locked.customer_signed_at = now
        transition_contract(locked, to=ContractStatus.CUSTOMER_SIGNED)
        locked.save(update_fields=["status", "customer_signed_at", "updated_at"])
        transition_application(application, to=ApplicationStatus.SIGNED)
        application.save(update_fields=["status", "updated_at"])
        record_event(
            "contracts.customer_signed",
            target=locked,
            username=f"customer:{application.customer.customer_no}",
            ip_address=ip_address,
            user_agent=user_agent[:400],
            metadata={
                "provider": provider_name,
                "sha256": locked.pdf_sha256,
                "application": application.application_no,
            },
        )
    contract.refresh_from_db()
    return record


def hand_over_to_servicing(contract: Contract, *, acting_user: Any = None) -> Contract:
    """After the customer signed: create and disburse the loan, or open the credit line."""
    application = Application.objects.select_related("product", "customer").get(
        pk=contract.application_id
    )
    if contract.status != ContractStatus.CUSTOMER_SIGNED:
        raise Conflict("the contract is not signed by the customer", field="status")
    if contract.loan_id or contract.credit_line_id:
        raise Conflict("the contract was already handed over", field="contract")
    if application.product.kind == ProductKind.REVOLVING:
        return _open_credit_line(contract, application, acting_user=acting_user)
    loan = _create_loan(contract, application, acting_user=acting_user)
    from lendcrm.loans.services.disbursements import disburse

    disbursement = disburse(loan, acting_user=acting_user)  # outside any transaction
    if disbursement.status == DisbursementStatus.DISBURSED:
        _mark_disbursed(application, disbursement, acting_user=acting_user)
    contract.refresh_from_db()
    return contract


def _create_loan(contract: Contract, application: Application, *, acting_user: Any) -> Any:
    from lendcrm.loans.services.drawdowns import create_single_loan

    assert application.approved_amount is not None
    assert application.approved_rate is not None
    assert application.approved_term is not None
    with transaction.atomic():
        loan = create_single_loan(
            customer=application.customer,
            product=application.product,
            amount=application.approved_amount,
            term=application.approved_term,
            method=RepaymentMethod(application.approved_method),
            annual_rate=application.approved_rate,
            acting_user=acting_user,
            application=application,
        )
        Contract.objects.filter(pk=contract.pk).update(loan=loan)
        record_event(
            "contracts.handed_over",
            actor=acting_user,
            target=contract,
            metadata={"loan": loan.loan_no, "application": application.application_no},
        )
    return loan


def _mark_disbursed(
    application: Application, disbursement: Disbursement, *, acting_user: Any
) -> None:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        transition_application(locked, to=ApplicationStatus.DISBURSED)
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            "applications.disbursed",
            actor=acting_user,
            target=locked,
            metadata={"disbursement": disbursement.pk, "amount": str(disbursement.amount)},
        )


def _open_credit_line(
    contract: Contract, application: Application, *, acting_user: Any
) -> Contract:
    from lendcrm.loans.services.credit_lines import open_line

    assert application.approved_amount is not None
    assert application.approved_rate is not None
    today = clock.today()
    with transaction.atomic():
        line = open_line(
            customer=application.customer,
            product=application.product,
            limit=application.approved_amount,
            annual_rate=application.approved_rate,
            valid_from=today,
            valid_until=_line_end(today, application.approved_term or 12),
            acting_user=acting_user,
        )
        Contract.objects.filter(pk=contract.pk).update(credit_line=line)
        record_event(
            "contracts.handed_over",
            actor=acting_user,
            target=contract,
            metadata={"credit_line": line.line_no, "application": application.application_no},
        )
    contract.refresh_from_db()
    return contract


def _line_end(start: date, months: int) -> date:
    return add_months(start, months)


def cancel_contract(contract: Contract, *, acting_user: Any, reason: str) -> Contract:
    """Void a contract the customer has not signed (e.g. the terms must change); audited."""
    if not reason.strip():
        raise DomainError("give a reason", field="reason")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        transition_contract(locked, to=ContractStatus.CANCELLED)
        locked.cancelled_at = clock.now()
        locked.save(update_fields=["status", "cancelled_at", "updated_at"])
        record_event(
            "contracts.cancelled", actor=acting_user, target=locked, metadata={"reason": reason}
        )
    return locked


def read_contract_pdf(contract: Contract, *, acting_user: Any, purpose: str = "download") -> bytes:
    """The signed PDF; every read by staff is audited."""
    if not contract.pdf:
        raise DomainError("the contract has no document yet", field="pdf")
    with contract.pdf.open("rb") as handle:
        data = handle.read()
    record_event(
        "contracts.downloaded",
        actor=acting_user,
        target=contract,
        metadata={"purpose": purpose, "sha256": contract.pdf_sha256},
    )
    return bytes(data)


def read_pdf_for_customer(contract: Contract) -> bytes:
    """The document the signing link shows (the link itself is the customer's credential)."""
    if not contract.pdf:
        raise DomainError("the contract has no document yet", field="pdf")
    with contract.pdf.open("rb") as handle:
        return bytes(handle.read())
