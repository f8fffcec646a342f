"""Generating, sealing, accepting and handing over contracts."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.audit.models import AuditEvent
from lendcrm.contracts import services, signing
from lendcrm.contracts.choices import ContractStatus, SignatureParty
from lendcrm.contracts.models import Contract, SignatureRecord
from lendcrm.contracts.tests.conftest import Org
from lendcrm.contracts.tests.helpers import pdf_bytes, pdf_text
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.integrations.payments.fake import FakePaymentGateway
from lendcrm.loans.choices import DisbursementStatus, LoanStatus
from lendcrm.loans.models import CreditLine, Product

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def _accept(contract: Contract, **extra: object) -> Contract:
    values: dict[str, object] = {
        "document_sha256": contract.pdf_sha256,
        "ip_address": "203.0.113.7",
        "user_agent": IPHONE,
        "provider_name": "click_to_sign",
    }
    values.update(extra)
    services.accept_contract(contract, **values)  # type: ignore[arg-type]
    return services.hand_over_to_servicing(contract)


@pytest.mark.parametrize(
    "status",
    [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_APPROVAL, ApplicationStatus.DECLINED],
)
def test_generation_is_refused_for_an_unapproved_application(
    make_application: Callable[..., Application], org: Org, status: str
) -> None:
    application = make_application(status=status)

    with pytest.raises(Conflict, match="application is not approved") as refused:
        services.generate_contract(application, acting_user=org.supervisor)

    assert refused.value.problems[0].field == "status"
    assert not Contract.objects.exists()
    audited = AuditEvent.objects.get(action="contracts.generation_refused")
    assert audited.metadata["field"] == "status"


def test_generation_names_a_missing_approved_term(
    make_application: Callable[..., Application], org: Org
) -> None:
    application = make_application(approved_rate=None)

    with pytest.raises(DomainError, match="approved_rate") as refused:
        services.generate_contract(application, acting_user=org.supervisor)

    assert refused.value.problems[0].field == "approved_rate"


def test_generation_refuses_terms_outside_the_product(
    make_application: Callable[..., Application], org: Org
) -> None:
    application = make_application(approved_rate=Decimal("0.3600"))

    with pytest.raises(DomainError) as refused:
        services.generate_contract(application, acting_user=org.supervisor)

    assert refused.value.problems[0].field == "approved_rate"


def test_the_contract_is_rendered_sealed_and_audited(contract: Contract, org: Org) -> None:
    data = pdf_bytes(contract)

    assert contract.status == ContractStatus.LENDER_SIGNED
    assert contract.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert contract.template_version == 1
    assert (contract.owner_id, contract.team_id, contract.branch_id) == (
        contract.application.owner_id,
        contract.application.team_id,
        contract.application.branch_id,
    )
    lender = SignatureRecord.objects.get(contract=contract)
    assert lender.party == SignatureParty.LENDER
    assert lender.document_sha256 == contract.pdf_sha256
    actions = set(
        AuditEvent.objects.filter(object_id=str(contract.pk)).values_list("action", flat=True)
    )
    assert {"contracts.generated", "contracts.lender_signed"} <= actions


def test_the_pdf_holds_the_chinese_text_the_amount_and_every_schedule_row(
    contract: Contract,
) -> None:
    text = pdf_text(pdf_bytes(contract))
    terms = contract.terms

    for phrase in ("个人借款合同", "贷款人", "张三丰", "伍万元整", "等额本息", "签署页", "罚息"):
        assert phrase in text
    assert "50,000.00" in text
    assert terms["loan"]["apr"] in text
    assert "110105********" in text  # the ID number appears masked only
    assert len(terms["schedule"]) == 12
    for row in terms["schedule"]:
        assert f"{row['due_date']}{row['principal']}{row['interest']}" in text
        assert row["payment"] in text


def test_the_lender_signature_validates(contract: Contract) -> None:
    result = signing.verify_pdf(pdf_bytes(contract))

    assert result.valid, result.message
    assert signing.DEV_SUBJECT_CN in result.signer


def test_a_second_contract_for_the_same_application_is_refused(
    contract: Contract, org: Org
) -> None:
    with pytest.raises(Conflict, match="already has a contract"):
        services.generate_contract(contract.application, acting_user=org.supervisor)


def test_customer_acceptance_records_the_evidence_and_disburses_the_loan(
    contract: Contract,
) -> None:
    signed = _accept(contract)

    record = SignatureRecord.objects.get(contract=contract, party=SignatureParty.CUSTOMER)
    assert (record.ip_address, record.user_agent) == ("203.0.113.7", IPHONE)
    assert record.document_sha256 == contract.pdf_sha256
    assert record.signer_name == "张三丰"
    assert signed.status == ContractStatus.CUSTOMER_SIGNED
    assert signed.customer_signed_at is not None
    loan = signed.loan
    assert loan is not None
    assert loan.application_id == contract.application_id
    assert loan.principal == Decimal("50000.00")
    assert loan.annual_rate == Decimal("0.120000")
    assert loan.status == LoanStatus.ACTIVE
    assert loan.installments.count() == 12
    assert loan.disbursements.get().status == DisbursementStatus.DISBURSED
    contract.application.refresh_from_db()
    assert contract.application.status == ApplicationStatus.DISBURSED
    audited = AuditEvent.objects.get(action="contracts.customer_signed")
    assert audited.ip_address == "203.0.113.7"


def test_signing_twice_is_refused(contract: Contract) -> None:
    _accept(contract)

    with pytest.raises(Conflict, match="already signed"):
        _accept(contract)

    assert SignatureRecord.objects.filter(party=SignatureParty.CUSTOMER).count() == 1


def test_a_signature_on_another_document_is_refused(contract: Contract) -> None:
    with pytest.raises(Conflict) as refused:
        services.accept_contract(
            contract,
            document_sha256="0" * 64,
            ip_address="203.0.113.7",
            user_agent=IPHONE,
            provider_name="click_to_sign",
        )

    assert refused.value.problems[0].field == "document_sha256"
    contract.refresh_from_db()
    assert contract.status == ContractStatus.LENDER_SIGNED


def test_a_cancelled_contract_cannot_be_signed(contract: Contract, org: Org) -> None:
    services.cancel_contract(contract, acting_user=org.supervisor, reason="利率调整")

    with pytest.raises(Conflict):
        _accept(contract)


def test_a_failed_payout_leaves_the_application_signed(contract: Contract) -> None:
    FakePaymentGateway.fail_next(reason="account frozen")

    signed = _accept(contract)

    assert signed.loan is not None
    assert signed.loan.status == LoanStatus.CANCELLED
    contract.application.refresh_from_db()
    assert contract.application.status == ApplicationStatus.SIGNED


def test_a_revolving_product_opens_a_credit_line(
    make_application: Callable[..., Application], org: Org, revolving_product: Product
) -> None:
    application = make_application(product=revolving_product)
    contract = services.generate_contract(application, acting_user=org.supervisor)

    signed = _accept(contract)

    line = CreditLine.objects.get()
    assert signed.credit_line == line
    assert (line.limit, line.annual_rate) == (Decimal("50000.00"), Decimal("0.120000"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SIGNED


def test_the_download_is_audited(contract: Contract, org: Org) -> None:
    data = services.read_contract_pdf(contract, acting_user=org.supervisor)

    assert data.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="contracts.downloaded")
    assert event.actor_id == org.supervisor.pk
