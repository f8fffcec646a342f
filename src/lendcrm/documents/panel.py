"""What the documents panel and the API show of a document: OCR fields masked, flags beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from lendcrm.core.masking import mask_address, mask_id_number
from lendcrm.documents.id_card import IdCardFields
from lendcrm.documents.models import ApplicationDocument

FIELD_LABELS: dict[str, Any] = {
    "name": _("姓名"),
    "sex": _("性别"),
    "ethnicity": _("民族"),
    "birth_date": _("出生"),
    "address": _("住址"),
    "id_number": _("公民身份号码"),
    "issuing_authority": _("签发机关"),
    "valid_until": _("有效期限"),
}
FRONT_ROWS = ("name", "sex", "ethnicity", "birth_date", "address", "id_number")
BACK_ROWS = ("issuing_authority", "valid_until")


@dataclass(frozen=True)
class OcrRow:
    name: str
    label: Any
    value: str
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentRow:
    document: ApplicationDocument
    ocr_rows: list[OcrRow]
    other_flags: list[str]  # mismatches about a field not shown (none today)


def masked_values(fields: IdCardFields) -> dict[str, str]:
    """The card's values for display: the ID number and address masked, dates as text."""
    return {
        "name": fields.name,
        "sex": fields.sex,
        "ethnicity": fields.ethnicity,
        "birth_date": _date(fields.birth_date),
        "address": mask_address(fields.address),
        "id_number": mask_id_number(fields.id_number),
        "issuing_authority": fields.issuing_authority,
        "valid_from": _date(fields.valid_from),
        "valid_until": str(_("长期")) if fields.valid_long_term else _date(fields.valid_until),
    }


def document_rows(documents: list[ApplicationDocument]) -> list[DocumentRow]:
    return [_row(document) for document in documents]


def _row(document: ApplicationDocument) -> DocumentRow:
    flags: dict[str, list[str]] = {}
    for mismatch in document.ocr_mismatches or []:
        flags.setdefault(str(mismatch.get("field", "")), []).append(str(mismatch.get("message")))
    fields = document.ocr_fields
    if fields is None:
        return DocumentRow(document, [], [m for v in flags.values() for m in v])
    values = masked_values(fields)
    names = FRONT_ROWS if fields.side == "front" else BACK_ROWS
    rows = [OcrRow(n, FIELD_LABELS[n], values[n], flags.pop(n, [])) for n in names]
    if fields.side == "back" and values["valid_from"]:
        rows[-1] = OcrRow(
            "valid_until",
            FIELD_LABELS["valid_until"],
            f"{values['valid_from']} – {values['valid_until'] or '?'}",
            rows[-1].flags,
        )
    return DocumentRow(document, rows, [m for v in flags.values() for m in v])


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""
