"""Celery tasks of the documents app: thin and idempotent, each calling one service."""

from __future__ import annotations

from celery import shared_task

from lendcrm.documents.models import ApplicationDocument


@shared_task(name="lendcrm.documents.tasks.read_id_card_task", acks_late=True)
def read_id_card_task(document_id: int) -> str:
    """OCR of one ID-card image; running it again reads the image again (same result)."""
    from lendcrm.documents.services import read_id_card

    document = (
        ApplicationDocument.objects.select_related("application__customer")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        return "missing"
    return str(read_id_card(document).ocr_status)
