"""Upload and OCR services with a fake text reader: audited, status rules, never a crash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.documents.choices import OcrStatus
from lendcrm.documents.models import ApplicationDocument
from lendcrm.documents.queries import id_card_prefill, list_documents
from lendcrm.documents.services import read_id_card, upload_document
from lendcrm.documents.tests.cards import png
from lendcrm.documents.tests.conftest import FakeReader, Org

pytestmark = pytest.mark.django_db


def _upload(application: Application, user: Any, kind: str = "bank_card", **kw: Any) -> Any:
    content = kw.pop("content", png((640, 400)))
    file = SimpleUploadedFile(kw.pop("name", "card.png"), content, content_type="image/png")
    return upload_document(application, kind=kind, uploaded_file=file, acting_user=user)


def test_an_upload_is_stored_with_its_facts_and_scope_and_audited(
    org: Org, make_application: Callable[..., Application]
) -> None:
    application = make_application()
    content = png((640, 400))

    document = _upload(application, org.sales, content=content, name="../../银行卡.png")

    document.refresh_from_db()
    assert document.original_name == "银行卡.png"
    assert (document.content_type, document.size, document.width) == (
        "image/png",
        len(content),
        640,
    )
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.owner_id, document.team_id) == (application.owner_id, application.team_id)
    assert document.file.read() == content
    assert document.ocr_status == ""  # bank cards are not read
    event = AuditEvent.objects.get(action="documents.uploaded")
    assert event.actor_id == org.sales.pk
    assert event.metadata["document_id"] == document.pk


@pytest.mark.parametrize(
    "status", [ApplicationStatus.DRAFT, ApplicationStatus.RETURNED, ApplicationStatus.MANUAL_REVIEW]
)
def test_open_applications_take_uploads(
    org: Org, make_application: Callable[..., Application], status: str
) -> None:
    assert _upload(make_application(status), org.sales).pk


@pytest.mark.parametrize(
    "status", [ApplicationStatus.APPROVED, ApplicationStatus.SUBMITTED, ApplicationStatus.SIGNED]
)
def test_an_upload_to_a_closed_application_is_a_conflict(
    org: Org, make_application: Callable[..., Application], status: str
) -> None:
    with pytest.raises(Conflict) as caught:
        _upload(make_application(status), org.sales)

    assert "只有草稿、退回补件或人工审核中的进件可以上传资料" in caught.value.message
    assert ApplicationDocument.objects.count() == 0
    assert AuditEvent.objects.filter(action="documents.upload_refused").count() == 1


def test_wrong_type_and_unknown_kind_are_refused_naming_the_field(
    org: Org, make_application: Callable[..., Application]
) -> None:
    application = make_application()

    with pytest.raises(DomainError) as wrong_type:
        _upload(application, org.sales, content=b"MZ\x90\x00" * 64, name="photo.jpg")
    with pytest.raises(DomainError) as wrong_kind:
        _upload(application, org.sales, kind="passport")

    assert wrong_type.value.problems[0].field == "file"
    assert wrong_kind.value.problems[0].field == "kind"
    assert not AuditEvent.objects.filter(action="documents.uploaded").exists()
    refused = AuditEvent.objects.get(action="documents.upload_refused")
    assert refused.metadata["kind"] == "bank_card"
    assert "按文件内容识别" in refused.metadata["reason"]


def test_an_id_card_upload_is_read_on_commit(
    org: Org,
    make_application: Callable[..., Application],
    fake_reader: Callable[..., FakeReader],
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = make_application(name="张伟华")
    number = application.customer.id_number
    fake_reader(["姓名张伟华", f"公民身份号码{number}"])

    with django_capture_on_commit_callbacks(execute=True):
        document = _upload(application, org.sales, kind="id_front")

    document.refresh_from_db()
    assert document.ocr_status == OcrStatus.OK
    assert document.ocr_fields is not None
    assert document.ocr_fields.id_number == number
    assert document.ocr_mismatches == []
    assert id_card_prefill(org.sales, application) == {"name": "张伟华", "id_number": number}
    assert AuditEvent.objects.filter(action="documents.ocr_read").count() == 1


def test_the_ocr_result_is_encrypted_at_rest(
    org: Org, make_application: Callable[..., Application], fake_reader: Callable[..., FakeReader]
) -> None:
    application = make_application(name="张伟华")
    document = _upload(application, org.sales, kind="id_front")
    fake_reader(["姓名张伟华", f"公民身份号码{application.customer.id_number}"])

    read_id_card(document)

    with connection.cursor() as cursor:
        table = ApplicationDocument._meta.db_table
        cursor.execute(f"SELECT ocr_data FROM {table} WHERE id = %s", [document.pk])
        (raw,) = cursor.fetchone()
    assert raw
    assert application.customer.id_number not in raw
    assert "张伟华" not in raw


def test_nothing_read_and_an_engine_failure_leave_a_note_not_a_crash(
    org: Org, make_application: Callable[..., Application], fake_reader: Callable[..., FakeReader]
) -> None:
    application = make_application()
    document = _upload(application, org.sales, kind="id_back")

    fake_reader(["some", "noise"])
    nothing = read_id_card(document)
    assert (nothing.ocr_status, nothing.ocr_note[:4]) == (OcrStatus.NOTHING_READ, "未能识别")

    fake_reader(error=RuntimeError("onnx session died"))
    failed = read_id_card(document)
    assert failed.ocr_status == OcrStatus.FAILED
    assert "RuntimeError" in failed.ocr_note
    assert failed.ocr_data == ""
    assert failed.ocr_mismatches == []


def test_documents_are_listed_in_kind_order_in_one_query(
    org: Org, make_application: Callable[..., Application], django_assert_num_queries: Any
) -> None:
    application = make_application()
    bank_card = _upload(application, org.sales, kind="bank_card")
    back = _upload(application, org.sales, kind="id_back")
    front = _upload(application, org.sales, kind="id_front")

    list_documents(org.sales, application)  # loads the user's roles (cached on the user)
    with django_assert_num_queries(1):
        listed = list_documents(org.sales, application)

    assert [d.pk for d in listed] == [front.pk, back.pk, bank_card.pk]
    assert list_documents(org.other_sales, application) == []
