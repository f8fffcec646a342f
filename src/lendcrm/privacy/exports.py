"""Audited CSV exports that every module reuses.

An export is personal data leaving the system, so it is built through the masking policy
(masked unless the exporter holds the model's reveal capability), capped in size, and
recorded in the audit log with its row count, its filters (masked) and whether it was masked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError
from lendcrm.identity.roles import can
from lendcrm.privacy.masking import NO_GRANTS, display_dict, rule_for, with_choice_labels

MAX_EXPORT_ROWS = 100_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    """One CSV column: a model field (masked by policy) or a computed, non-personal value."""

    name: str
    header: str | Promise
    compute: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    row_count: int
    unmasked: bool
    content_type: str = "text/csv; charset=utf-8"


def export_csv(
    *,
    user: Any,
    queryset: models.QuerySet[Any],
    columns: Sequence[ExportColumn],
    action: str,
    filters: Mapping[str, Any],
    filename_stem: str,
    max_rows: int = MAX_EXPORT_ROWS,
) -> ExportFile:
    """Write the rows of an already scoped and filtered queryset to CSV, and audit it.

    `filters` must already be masked: they go into the audit record as given.
    """
    unmask = can(user, rule_for(queryset.model).reveal_capability)
    rows = list(queryset[: max_rows + 1])
    if len(rows) > max_rows:
        raise DomainError(
            _("导出最多 %(count)d 行，请缩小筛选范围") % {"count": max_rows}, field="filters"
        )
    content = _render(rows, columns, user=user, unmask=unmask)
    record_event(
        action,
        actor=user,
        object_type=queryset.model._meta.label_lower,
        metadata={"row_count": len(rows), "filters": dict(filters), "unmasked": unmask},
    )
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M%S")
    return ExportFile(
        filename=f"{filename_stem}-{stamp}.csv",
        content=content,
        row_count=len(rows),
        unmasked=unmask,
    )


def csv_response(export: ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _render(
    rows: Sequence[models.Model], columns: Sequence[ExportColumn], *, user: Any, unmask: bool
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column.header) for column in columns])
    field_names = [c.name for c in columns if c.compute is None]
    for row in rows:
        shown = with_choice_labels(
            row,
            display_dict(row, user=user, fields=field_names, grants=NO_GRANTS, unmask=unmask),
        )
        writer.writerow(
            [
                cell(column.compute(row) if column.compute else shown[column.name])
                for column in columns
            ]
        )
    # A byte-order mark so that spreadsheet programs read the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def cell(value: Any) -> str:
    """One CSV cell; text that a spreadsheet would run as a formula is quoted with `'`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | Decimal | int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
