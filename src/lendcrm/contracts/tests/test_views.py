"""Staff pages and the customer's public signing page."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core import signing as django_signing
from django.test import Client
from django.urls import reverse

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.audit.models import AuditEvent
from lendcrm.contracts.choices import ContractStatus, SignatureParty
from lendcrm.contracts.esign import LINK_SALT, ClickToSignProvider
from lendcrm.contracts.models import Contract, SignatureRecord
from lendcrm.contracts.tests.conftest import Org
from lendcrm.loans.choices import DisbursementStatus

ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36"


def _staff(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _link(contract: Contract) -> str:
    return ClickToSignProvider().request_signature(contract).url


def _sign(url: str, contract: Contract, **extra: str) -> object:
    data = {"agree": "1", "document_sha256": contract.pdf_sha256, **extra}
    return Client().post(url, data, REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT=ANDROID)


def test_staff_see_the_contract_in_their_scope(contract: Contract, org: Org) -> None:
    url = reverse("contracts:detail", args=[contract.pk])

    page = _staff(org.supervisor).get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert contract.contract_no in html
    assert "50,000.00" in html
    assert 'id="signature-records"' in html
    assert _staff(org.other_branch_supervisor).get(url).status_code == 404


def test_the_download_is_audited(contract: Contract, org: Org) -> None:
    response = _staff(org.supervisor).get(reverse("contracts:download", args=[contract.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="contracts.downloaded").count() == 1


def test_generate_from_the_page(make_application: Callable[..., Application], org: Org) -> None:
    application = make_application()
    client = _staff(org.supervisor)
    panel = client.get(reverse("contracts:panel", args=[application.pk]))
    assert 'id="generate-contract"' in panel.content.decode()

    response = client.post(reverse("contracts:generate", args=[application.pk]))

    contract = Contract.objects.get(application=application)
    assert response.status_code == 302
    assert response["Location"] == reverse("contracts:detail", args=[contract.pk])


def test_generate_from_the_page_refuses_an_unapproved_application(
    make_application: Callable[..., Application], org: Org
) -> None:
    application = make_application(status=ApplicationStatus.IN_APPROVAL)

    response = _staff(org.supervisor).post(reverse("contracts:generate", args=[application.pk]))

    assert response.status_code == 409
    assert "application is not approved" in response.content.decode()
    assert not Contract.objects.exists()


def test_a_reviewer_may_not_generate(
    make_application: Callable[..., Application], org: Org
) -> None:
    from lendcrm.identity.choices import Role
    from lendcrm.identity.tests.factories import UserFactory

    reviewer = UserFactory(team=org.supervisor.team, roles=[Role.REVIEWER])
    application = make_application()

    response = _staff(reviewer).post(reverse("contracts:generate", args=[application.pk]))

    assert response.status_code == 403


def test_the_signing_link_is_issued_and_shown(contract: Contract, org: Org) -> None:
    client = _staff(org.supervisor)

    client.post(reverse("contracts:signing_link", args=[contract.pk]))
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()

    assert "data-signing-url" in page
    assert "/contracts/sign/" in page
    assert AuditEvent.objects.filter(action="contracts.signature_requested").exists()


def test_the_customer_reads_and_signs_and_the_loan_is_disbursed(
    contract: Contract, org: Org
) -> None:
    url = _link(contract)

    page = Client().get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "确认签署" in html
    assert contract.pdf_sha256 in html
    document = Client().get(reverse("contracts:sign_document", args=[url.split("/")[-2]]))
    assert document.content.startswith(b"%PDF")

    response = _sign(url, contract)

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert 'id="sign-done"' in response.content.decode()  # type: ignore[attr-defined]
    record = SignatureRecord.objects.get(contract=contract, party=SignatureParty.CUSTOMER)
    assert (record.ip_address, record.user_agent) == ("198.51.100.23", ANDROID)
    assert record.document_sha256 == contract.pdf_sha256
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CUSTOMER_SIGNED
    loan = contract.loan
    assert loan is not None
    assert loan.installments.count() == 12
    assert loan.disbursements.get().status == DisbursementStatus.DISBURSED
    customer_page = _staff(org.supervisor).get(
        reverse("customers:detail", args=[contract.application.customer_id])
    )
    assert loan.loan_no in customer_page.content.decode()
    detail = _staff(org.supervisor).get(reverse("contracts:detail", args=[contract.pk]))
    assert detail.content.decode().count("<tr><td>") >= 2 * 12  # contract and loan schedules


def test_signing_twice_is_refused(contract: Contract) -> None:
    url = _link(contract)
    _sign(url, contract)

    again = _sign(url, contract)

    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "无需重复签署" in again.content.decode()  # type: ignore[attr-defined]
    assert SignatureRecord.objects.filter(party=SignatureParty.CUSTOMER).count() == 1


def test_signing_needs_the_agreement_box(contract: Contract) -> None:
    response = Client().post(_link(contract), {"document_sha256": contract.pdf_sha256})

    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.status == ContractStatus.LENDER_SIGNED


def test_a_forged_link_is_refused(contract: Contract) -> None:
    forged = django_signing.dumps({"c": contract.pk}, salt="someone-else")
    url = reverse("contracts:sign", args=[forged])

    assert Client().get(url).status_code == 403
    assert _sign(url, contract).status_code == 403  # type: ignore[attr-defined]
    altered = _link(contract).replace("/sign/", "/sign/x")
    assert Client().get(altered).status_code == 403
    assert not SignatureRecord.objects.filter(party=SignatureParty.CUSTOMER).exists()


def test_an_expired_link_is_refused(contract: Contract, monkeypatch: pytest.MonkeyPatch) -> None:
    url = _link(contract)
    eight_days = time.time() + 8 * 24 * 3600
    monkeypatch.setattr(django_signing.time, "time", lambda: eight_days)  # type: ignore[attr-defined]

    page = Client().get(url)

    assert page.status_code == 403
    assert "已过期" in page.content.decode()
    assert _sign(url, contract).status_code == 403  # type: ignore[attr-defined]
    assert LINK_SALT  # the salt keeps these links apart from other signed values


def test_the_panel_shows_nothing_to_a_role_without_contracts_view(
    contract: Contract, org: Org
) -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from lendcrm.contracts.views import panel_context
    from lendcrm.identity.choices import Role
    from lendcrm.identity.tests.factories import UserFactory

    analyst = UserFactory(team=org.supervisor.team, roles=[Role.RISK_ANALYST])
    request = RequestFactory().get("/")
    request.user = analyst

    html = render_to_string(
        "contracts/_contract_panel.html", panel_context(request, contract.application), request
    )

    assert contract.contract_no not in html
    assert "不能查看合同" in html
