"""Documents endpoints under /api/v1/documents: scoped list and multipart upload."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from lendcrm.applications.queries import get_application
from lendcrm.documents import queries
from lendcrm.documents.models import ApplicationDocument
from lendcrm.documents.panel import masked_values
from lendcrm.documents.services import upload_document

router = Router(tags=["documents"])


class MismatchOut(Schema):
    field: str
    code: str
    message: str


class DocumentOut(Schema):
    id: int
    application_id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    uploaded_at: datetime
    file_url: str
    ocr_status: str
    ocr_note: str
    ocr_fields: dict[str, str] | None  # ID number and address masked
    mismatches: list[MismatchOut]


def _out(document: ApplicationDocument) -> DocumentOut:
    fields = document.ocr_fields
    return DocumentOut(
        id=document.pk,
        application_id=document.application_id,
        kind=document.kind,
        original_name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        width=document.width,
        height=document.height,
        uploaded_at=document.created_at,
        file_url=reverse("documents:file", args=[document.pk]),
        ocr_status=document.ocr_status,
        ocr_note=document.ocr_note,
        ocr_fields=masked_values(fields) if fields else None,
        mismatches=[MismatchOut(**m) for m in document.ocr_mismatches or []],
    )


@router.get("/applications/{int:application_id}", response=list[DocumentOut])
def list_documents_api(request: HttpRequest, application_id: int) -> list[DocumentOut]:
    application = get_application(request.user, application_id)
    return [_out(d) for d in queries.list_documents(request.user, application)]


@router.post("/applications/{int:application_id}", response={201: DocumentOut})
def upload_document_api(
    request: HttpRequest,
    application_id: int,
    kind: Form[str],
    file: File[UploadedFile],
) -> Status[DocumentOut]:
    """Multipart upload (fields `kind` and `file`); ID-card images are read by OCR."""
    application = get_application(request.user, application_id)
    document = upload_document(application, kind=kind, uploaded_file=file, acting_user=request.user)
    document.refresh_from_db()  # OCR may have run in-process on commit
    return Status(201, _out(document))
