"""Scoped reads of documents: the caller must be able to see the application."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Value, When

from lendcrm.applications.models import Application
from lendcrm.documents.choices import DocumentKind, OcrStatus
from lendcrm.documents.models import ApplicationDocument
from lendcrm.identity.scoping import get_scoped, scoped


def get_document_for_user(user: Any, document_id: int) -> ApplicationDocument:
    """The document in the user's data scope (the application's scope), or NotFound."""
    rows = ApplicationDocument.objects.select_related("application__customer")
    return get_scoped(rows, user, document_id)


def list_documents(user: Any, application: Application) -> list[ApplicationDocument]:
    """The application's documents the user may see, in DocumentKind order, newest first."""
    rows = scoped(ApplicationDocument.objects.filter(application=application), user)
    kind_order = Case(
        *[When(kind=kind, then=Value(i)) for i, kind in enumerate(DocumentKind.values)],
        default=Value(len(DocumentKind.values)),
    )
    return list(
        rows.select_related("uploaded_by")
        .annotate(kind_order=kind_order)
        .order_by("kind_order", "-created_at", "-id")
    )


def id_card_prefill(user: Any, application: Application) -> dict[str, Any]:
    """What the newest readable ID card says, to pre-fill the application form.

    Keys: name, sex ("M"/"F"), ethnicity, birth_date, address, id_number, issuing_authority,
    valid_from, valid_until, valid_long_term; only the keys that were read.
    """
    rows = scoped(
        ApplicationDocument.objects.filter(
            application=application,
            kind__in=[DocumentKind.ID_FRONT, DocumentKind.ID_BACK],
            ocr_status=OcrStatus.OK,
        ),
        user,
    ).order_by("created_at", "id")
    merged: dict[str, Any] = {}
    for document in rows:  # older first, so the newest read of each side wins
        fields = document.ocr_fields
        if fields is None:
            continue
        values = {k: v for k, v in fields.to_dict().items() if v not in ("", None, False)}
        values.pop("side", None)
        merged |= values
    if "sex" in merged:
        merged["sex"] = {"男": "M", "女": "F"}.get(merged["sex"], "")
    return merged
