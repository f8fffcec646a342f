"""The auditor's pages: search the log, read one record, verify the chain, export CSV."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lendcrm.audit import queries, services
from lendcrm.audit.export import csv_lines
from lendcrm.audit.forms import EventFilterForm
from lendcrm.audit.models import AuditEvent
from lendcrm.audit.verification import check_event_links
from lendcrm.core.errors import NotFound
from lendcrm.identity.roles import can


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    form = EventFilterForm(request.GET)
    page = None
    if form.is_valid():
        page = queries.list_events(form.to_filters(), before=_cursor(request))
    context = {
        "form": form,
        "page": page,
        "can_export": can(request.user, "export"),
        "is_first_page": _cursor(request) is None,
    }
    template = "audit/_results.html" if _is_results_swap(request) else "audit/events.html"
    return render(request, template, context)


def _cursor(request: HttpRequest) -> int | None:
    raw = request.GET.get("before", "")
    return int(raw) if raw.isdigit() else None


def _is_results_swap(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False)) and request.headers.get("HX-Target") == (
        "audit-results"
    )


@require_GET
def event(request: HttpRequest, sequence: int) -> HttpResponse:
    record = _get_or_404(sequence)
    previous, following = queries.neighbours(record)
    context = {
        "event": record,
        "change_rows": _change_rows(record),
        "metadata_json": json.dumps(record.metadata, ensure_ascii=False, indent=2, sort_keys=True),
        "link_problem": check_event_links(record),
        "previous_sequence": previous,
        "next_sequence": following,
    }
    return render(request, "audit/event.html", context)


@require_GET
def event_verify(request: HttpRequest, sequence: int) -> HttpResponse:
    """Walk from the nearest checkpoint (a stretch a full check found intact) to this record."""
    record = _get_or_404(sequence)
    checkpoint = queries.latest_checkpoint(at_or_before=record.sequence)
    report = services.verify_chain(up_to=record.sequence, start=checkpoint)
    context = {"event": record, "report": report, "checkpoint": checkpoint}
    return render(request, "audit/_verify.html", context)


@require_POST
def export(request: HttpRequest) -> HttpResponseBase:
    # The access table asks for "audit.view"; exporting also needs the "export" capability.
    if not can(request.user, "export"):
        return HttpResponseForbidden(_("您的角色不能导出数据"))
    form = EventFilterForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_error_text(form), content_type="text/plain; charset=utf-8")
    plan = services.start_export(form.to_filters(), actor=request.user)
    response = StreamingHttpResponse(
        csv_lines(queries.iter_events(plan.filters, up_to=plan.up_to)),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    response["X-Row-Count"] = str(plan.row_count)
    return response


def _error_text(form: EventFilterForm) -> str:
    return "\n".join(
        f"{field}: {message}" for field, messages in form.errors.items() for message in messages
    )


def _get_or_404(sequence: int) -> AuditEvent:
    try:
        return queries.get_event(sequence)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _change_rows(record: AuditEvent) -> list[dict[str, Any]]:
    """One row per changed field, labelled with the field's name in the UI language."""
    model = _model_for(record.object_type)
    rows = []
    for name, change in sorted((record.changes or {}).items()):
        both = isinstance(change, dict) and ("before" in change or "after" in change)
        rows.append(
            {
                "field": name,
                "label": _field_label(model, name),
                "before": change.get("before") if both else None,
                "after": change.get("after") if both else change,
            }
        )
    return rows


def _model_for(object_type: str) -> Any:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field_label(model: Any, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
