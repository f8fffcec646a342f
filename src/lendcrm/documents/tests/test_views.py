"""Pages and API: the panel, HTMX upload, the audited and scoped file view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.audit.models import AuditEvent
from lendcrm.documents.models import ApplicationDocument
from lendcrm.documents.services import read_id_card, upload_document
from lendcrm.documents.tests.cards import png
from lendcrm.documents.tests.conftest import FakeReader, Org
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _document(application: Application, user: User, kind: str = "bank_card") -> ApplicationDocument:
    file = SimpleUploadedFile("card.png", png((640, 400)))
    return upload_document(application, kind=kind, uploaded_file=file, acting_user=user)


def test_every_view_of_a_file_is_audited(
    org: Org, make_application: Callable[..., Application]
) -> None:
    document = _document(make_application(), org.sales)
    client = _client(org.sales)
    url = reverse("documents:file", args=[document.pk])

    inline = client.get(url)
    download = client.get(url, {"download": "1"})

    assert inline.status_code == 200
    assert inline["Content-Type"] == "image/png"
    assert b"".join(inline.streaming_content) == document.file.open("rb").read()  # type: ignore[attr-defined]
    assert inline["Content-Disposition"] == "inline"
    assert download["Content-Disposition"].startswith("attachment")
    views = AuditEvent.objects.filter(action="documents.viewed", actor=org.sales).order_by(
        "sequence"
    )
    assert views.count() == 2
    assert views.first().metadata == {
        "document_id": document.pk,
        "kind": "bank_card",
        "download": False,
    }
    assert views.last().metadata["download"] is True  # type: ignore[union-attr]  # type: ignore[union-attr]


def test_a_user_outside_the_scope_gets_404_and_no_capability_gets_403(
    org: Org, make_application: Callable[..., Application]
) -> None:
    application = make_application()
    document = _document(application, org.sales)

    outside = _client(org.other_sales).get(reverse("documents:file", args=[document.pk]))
    panel = _client(org.other_sales).get(reverse("documents:application", args=[application.pk]))
    no_capability = _client(org.collector).get(reverse("documents:file", args=[document.pk]))
    reviewer = _client(org.reviewer).get(reverse("documents:file", args=[document.pk]))

    assert (outside.status_code, panel.status_code) == (404, 404)
    assert no_capability.status_code == 403
    assert reviewer.status_code == 200  # same branch: in a reviewer's scope
    assert AuditEvent.objects.filter(action="documents.viewed").count() == 1


def test_htmx_upload_returns_the_panel_with_the_document(
    org: Org, make_application: Callable[..., Application]
) -> None:
    application = make_application()
    client = _client(org.sales)

    response = client.post(
        reverse("documents:upload", args=[application.pk]),
        {"kind": "bank_card", "file": SimpleUploadedFile("银行卡.png", png((640, 400)))},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response.templates[0].name == "documents/_documents_panel.html"
    assert "银行卡.png" in response.content.decode()
    assert ApplicationDocument.objects.filter(application=application).count() == 1


def test_a_refused_upload_shows_the_rule_on_the_file_field(
    org: Org, make_application: Callable[..., Application]
) -> None:
    application = make_application()
    client = _client(org.sales)
    url = reverse("documents:upload", args=[application.pk])
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" * 100, content_type="image/jpeg")

    page = client.post(url, {"kind": "id_front", "file": fake})

    assert page.status_code == 400
    assert "按文件内容识别" in page.content.decode()
    assert "is-invalid" in page.content.decode()


def test_the_panel_shows_ocr_fields_masked_and_the_mismatch_flags(
    org: Org,
    make_application: Callable[..., Application],
    fake_reader: Callable[..., FakeReader],
) -> None:
    application = make_application(name="张伟华")
    number = application.customer.id_number
    document = _document(application, org.sales, kind="id_front")
    fake_reader(["姓名张卫华", "性别男", f"公民身份号码{number}"])
    read_id_card(document)

    html = (
        _client(org.sales)
        .get(reverse("documents:application", args=[application.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert "张卫华" in html
    assert "姓名与客户资料不一致" in html
    assert number not in html
    assert f"{number[:6]}********{number[-4:]}" in html


def test_the_full_page_offers_no_upload_once_the_application_is_approved(
    org: Org, make_application: Callable[..., Application]
) -> None:
    application = make_application(ApplicationStatus.APPROVED)

    page = _client(org.sales).get(reverse("documents:application", args=[application.pk]))

    assert page.status_code == 200
    assert "document-upload-form" not in page.content.decode()


def _auth(user: User) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user).plaintext}"}


def test_api_upload_and_list(org: Org, make_application: Callable[..., Application]) -> None:
    application = make_application()
    url = f"/api/v1/documents/applications/{application.pk}"
    auth = _auth(org.sales)

    created = Client().post(
        url, {"kind": "bank_card", "file": SimpleUploadedFile("c.png", png((640, 400)))}, **auth
    )
    listed = Client().get(url, **auth)

    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["content_type"], body["width"]) == ("bank_card", "image/png", 640)
    assert body["file_url"] == reverse("documents:file", args=[body["id"]])
    assert [d["id"] for d in listed.json()] == [body["id"]]


def test_api_refusals_name_the_field_and_the_rule(
    org: Org, make_application: Callable[..., Application]
) -> None:
    draft = make_application()
    approved = make_application(ApplicationStatus.APPROVED)
    auth = _auth(org.sales)

    wrong = Client().post(
        f"/api/v1/documents/applications/{draft.pk}",
        {"kind": "id_front", "file": SimpleUploadedFile("x.jpg", b"just some text" * 20)},
        **auth,
    )
    closed = Client().post(
        f"/api/v1/documents/applications/{approved.pk}",
        {"kind": "bank_card", "file": SimpleUploadedFile("c.png", png((640, 400)))},
        **auth,
    )
    outside = Client().get(f"/api/v1/documents/applications/{draft.pk}", **_auth(org.other_sales))

    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["field"] == "file"
    assert closed.status_code == 409
    assert outside.status_code == 404
