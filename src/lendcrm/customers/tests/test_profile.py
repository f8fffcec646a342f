"""Profile writes: bureau report upload validation, contacts masked in page and API."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import DomainError, PermissionDenied
from lendcrm.customers.choices import ContactKind, ContactRelation
from lendcrm.customers.models import BureauReport
from lendcrm.customers.profile import MAX_REPORT_BYTES, add_contact, upload_bureau_report
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EMERGENCY_MOBILE = "13698765432"
SUMMARY = {"report_date": date(2025, 6, 1), "overdue_count_24m": 2, "inquiries_3m": 5}


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_pdf_jpeg_and_png_are_stored_with_their_summary(
    org: Org, content: bytes, content_type: str
) -> None:
    customer = CustomerFactory(owner=org.sales)

    report = upload_bureau_report(
        customer, upload=io.BytesIO(content), summary=SUMMARY, acting_user=org.sales
    )

    report.refresh_from_db()
    assert report.content_type == content_type
    assert report.file.read() == content
    assert (report.overdue_count_24m, report.inquiries_3m) == (2, 5)
    assert AuditEvent.objects.filter(action="customer.bureau_report_uploaded").count() == 1


def test_the_type_is_judged_by_content_not_by_name(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    with pytest.raises(DomainError) as caught:
        upload_bureau_report(customer, upload=fake, summary=SUMMARY, acting_user=org.sales)

    assert caught.value.problems[0].field == "file"
    assert "PDF、JPEG 或 PNG" in caught.value.message
    assert not BureauReport.objects.exists()


def test_a_file_over_10_mb_is_refused(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    big = io.BytesIO(PDF + b"0" * MAX_REPORT_BYTES)

    with pytest.raises(DomainError) as caught:
        upload_bureau_report(customer, upload=big, summary=SUMMARY, acting_user=org.sales)

    assert caught.value.problems[0].field == "file"
    assert "10 MB" in caught.value.message


def test_a_file_of_exactly_10_mb_is_accepted(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    content = PDF + b"0" * (MAX_REPORT_BYTES - len(PDF))

    report = upload_bureau_report(
        customer, upload=io.BytesIO(content), summary=SUMMARY, acting_user=org.sales
    )

    assert report.size == MAX_REPORT_BYTES


def test_a_summary_without_report_date_names_the_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    with pytest.raises(DomainError) as caught:
        upload_bureau_report(customer, upload=io.BytesIO(PDF), summary={}, acting_user=org.sales)
    assert [p.field for p in caught.value.problems] == ["report_date"]


def test_the_upload_page_shows_the_error_next_to_the_file_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:bureau_upload", args=[customer.pk])
    data = {"report_date": "2025-06-01", **dict.fromkeys(("overdue_count_24m",), 0)}
    fake = SimpleUploadedFile("x.png", b"GIF89a....", content_type="image/png")

    response = _client(org.sales).post(url, {**_form_summary(), **data, "file": fake})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="file"' in html
    assert "只接受 PDF、JPEG 或 PNG 文件" in html


def test_the_upload_page_stores_a_pdf(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:bureau_upload", args=[customer.pk])
    pdf = SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf")

    response = _client(org.sales).post(url, {**_form_summary(), "file": pdf})

    assert response.status_code == 302
    assert BureauReport.objects.get().customer_id == customer.pk


def _form_summary() -> dict[str, object]:
    fields = [
        "overdue_count_24m",
        "current_overdue_count",
        "current_overdue_amount",
        "inquiries_1m",
        "inquiries_3m",
        "inquiries_6m",
        "card_count",
        "card_limit",
        "card_used",
        "loan_count",
        "loan_balance",
    ]
    return {"report_date": "2025-06-01", **dict.fromkeys(fields, 0)}


def test_qa_cannot_upload(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    with pytest.raises(PermissionDenied):
        upload_bureau_report(customer, upload=io.BytesIO(PDF), summary=SUMMARY, acting_user=org.qa)


def test_an_invalid_contact_mobile_names_the_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    with pytest.raises(DomainError) as caught:
        add_contact(customer, kind=ContactKind.MOBILE, mobile="12345", acting_user=org.sales)
    assert caught.value.problems[0].field == "mobile"


def test_contact_phones_are_masked_on_the_page_and_in_the_api(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    add_contact(
        customer,
        kind=ContactKind.EMERGENCY,
        name="王芳",
        relation=ContactRelation.SPOUSE,
        mobile=EMERGENCY_MOBILE,
        acting_user=org.sales,
    )
    client = _client(org.sales)

    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    token = issue_api_token(org.sales).plaintext
    api = client.get(
        f"/api/v1/customers/{customer.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()

    assert "136****5432" in page
    assert EMERGENCY_MOBILE not in page
    assert api["contacts"] == [
        {"id": api["contacts"][0]["id"], "kind": "emergency", "name": "王芳",
         "relation": "spouse", "mobile": "136****5432"}
    ]  # fmt: skip
    assert EMERGENCY_MOBILE not in str(api)
    audit = AuditEvent.objects.get(action="customer.contact_added")
    assert audit.metadata["mobile"] == "136****5432"
