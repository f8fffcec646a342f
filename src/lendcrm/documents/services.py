"""Writes of the documents app: upload (checked by content), ID-card OCR, audited viewing."""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import PurePath
from typing import IO, Any, Final

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.documents import ocr
from lendcrm.documents.choices import ID_CARD_KINDS, DocumentKind, OcrStatus
from lendcrm.documents.cross_check import cross_check
from lendcrm.documents.file_checks import MAX_BYTES, check_file
from lendcrm.documents.id_card import IdCardFields, Side
from lendcrm.documents.models import ApplicationDocument

logger = logging.getLogger(__name__)

# Documents may be added while the application is being prepared or examined, not after.
UPLOAD_STATUSES: Final = frozenset(
    {ApplicationStatus.DRAFT, ApplicationStatus.RETURNED, ApplicationStatus.MANUAL_REVIEW}
)
NOTHING_READ_NOTE: Final = gettext_lazy(
    "未能识别：图片中没有读到身份证文字，请上传清晰、完整、未遮挡的证件照片"
)


def upload_document(
    application: Application, *, kind: str, uploaded_file: IO[bytes], acting_user: Any
) -> ApplicationDocument:
    """Store one document of the application; audited. ID-card images are then read by OCR.

    Raises DomainError (field `kind` or `file`) for bad input and Conflict when the
    application no longer takes documents.
    """
    if kind not in DocumentKind.values:
        raise DomainError(_("资料类型：请选择有效的资料类型"), field="kind")
    content = b""
    try:
        _check_takes_uploads(application.status)
        content = uploaded_file.read(MAX_BYTES + 1)
        checked = check_file(content, kind=kind)
    except DomainError as exc:  # refusals are audited too: who tried to upload what, and why
        record_event(
            "documents.upload_refused",
            actor=acting_user,
            target=application,
            metadata={"kind": kind, "reason": exc.message, "size": len(content)},
        )
        raise
    original = PurePath(str(getattr(uploaded_file, "name", "") or "")).name[:200]
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=original,
        content_type=checked.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        width=checked.width,
        height=checked.height,
        uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        owner_id=application.owner_id,
        team_id=application.team_id,
        branch_id=application.branch_id,
    )
    needs_ocr = kind in ID_CARD_KINDS
    if needs_ocr:
        document.ocr_status = OcrStatus.PENDING
    with transaction.atomic():
        locked = Application.objects.select_for_update().only("status").get(pk=application.pk)
        _check_takes_uploads(locked.status)
        document.file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(content))
        record_event(
            "documents.uploaded",
            actor=acting_user,
            target=application,
            metadata={
                "document_id": document.pk,
                "kind": kind,
                "content_type": checked.content_type,
                "size": len(content),
                "sha256": document.sha256,
            },
        )
        if needs_ocr:
            document_id = document.pk
            transaction.on_commit(lambda: schedule_id_card_read(document_id))
    return document


def _check_takes_uploads(status: str) -> None:
    if status not in UPLOAD_STATUSES:
        raise Conflict(
            _("当前进件状态为“%(status)s”，只有草稿、退回补件或人工审核中的进件可以上传资料")
            % {"status": ApplicationStatus(status).label},
            field="application",
        )


def schedule_id_card_read(document_id: int) -> None:
    """OCR on a worker when REDIS_URL is set; in-process (eager task) otherwise."""
    from lendcrm.documents.tasks import read_id_card_task

    read_id_card_task.delay(document_id)


def read_id_card(document: ApplicationDocument) -> ApplicationDocument:
    """Read an ID-card image, store the fields and the mismatches; never raises for bad images.

    Status `ok` with fields, `nothing_read` with a note when the image holds no readable card
    text, `failed` with a note when the engine or the storage failed.
    """
    if not document.is_id_card:
        return document
    side: Side = "front" if document.kind == DocumentKind.ID_FRONT else "back"
    fields: IdCardFields | None = None
    status, note = OcrStatus.OK, ""
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
        fields = ocr.read_id_card_fields(content, side=side)
    except Exception as exc:  # an engine or storage failure must not break the upload
        logger.warning("ocr failed for document %s: %s", document.pk, type(exc).__name__)
        status, note = (
            OcrStatus.FAILED,
            _("识别失败：识别引擎出错（%(e)s），请人工核对") % {"e": type(exc).__name__},
        )
    if fields is None and status == OcrStatus.OK:
        status, note = OcrStatus.NOTHING_READ, str(NOTHING_READ_NOTE)
    mismatches = (
        [m.to_dict() for m in cross_check(fields, document.application, today=clock.today())]
        if fields
        else []
    )
    document.ocr_status = status
    document.ocr_note = note[:200]
    document.ocr_data = fields.to_json() if fields else ""
    document.ocr_mismatches = mismatches
    document.ocr_at = clock.now()
    with transaction.atomic():
        document.save(
            update_fields=["ocr_status", "ocr_note", "ocr_data", "ocr_mismatches", "ocr_at"]
        )
        record_event(
            "documents.ocr_read",
            target=document.application,
            metadata={
                "document_id": document.pk,
                "status": str(status),
                "mismatches": [m["code"] for m in mismatches],
            },
        )
    return document


def open_document(
    document: ApplicationDocument, *, acting_user: Any, download: bool = False
) -> IO[bytes]:
    """The file for viewing or download; every call is audited (`documents.viewed`)."""
    handle = document.file.open("rb")
    record_event(
        "documents.viewed",
        actor=acting_user,
        target=document.application,
        metadata={"document_id": document.pk, "kind": document.kind, "download": download},
    )
    return handle
