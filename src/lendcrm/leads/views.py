"""Lead pages: the scoped list with bulk reassignment, the lead, imports, and rule settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.core.errors import DomainError, NotFound
from lendcrm.identity.roles import can
from lendcrm.leads import queries
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.forms import ImportMappingForm, ImportUploadForm, ReassignForm
from lendcrm.leads.models import Lead, LeadImport
from lendcrm.leads.services import importing
from lendcrm.leads.services.assignment import reassign_leads
from lendcrm.privacy.masking import Grants, display_dict, load_grants, with_choice_labels

LIST_FIELDS = ("name", "mobile", "city", "campaign", "status", "created_at", "is_duplicate")
DETAIL_FIELDS = (
    "name",
    "mobile",
    "id_number",
    "city",
    "requested_amount",
    "purpose",
    "campaign",
    "consent",
    "consent_at",
    "status",
    "invalid_reason",
    "created_at",
    "assigned_at",
    "first_contact_due_at",
    "first_contact_at",
    "source_row",
)


def _row(
    request: HttpRequest, lead: Lead, grants: Grants, fields: tuple[str, ...]
) -> dict[str, Any]:
    shown = display_dict(lead, user=request.user, fields=fields, grants=grants)
    return {
        "id": lead.pk,
        "owner": str(lead.owner) if lead.owner else "",
        "channel": lead.channel.name,
        **with_choice_labels(lead, shown),
    }


@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    filters = queries.LeadFilters(
        status=request.GET.get("status", "").strip(),
        channel=request.GET.get("channel", "").strip(),
        campaign=request.GET.get("campaign", "").strip(),
    )
    try:
        page = queries.list_leads(
            request.user, filters=filters, cursor=request.GET.get("cursor", "")
        )
    except DomainError as exc:
        return render(request, "leads/list.html", {"error": exc.message, "rows": []}, status=400)
    grants = load_grants(request.user, page.items)
    can_assign = can(request.user, "leads.assign")
    form = ReassignForm()
    form.fields["agent"].queryset = queries.list_agents()  # type: ignore[attr-defined]
    context = {
        "rows": [_row(request, lead, grants, LIST_FIELDS) for lead in page.items],
        "filters": filters,
        "statuses": LeadStatus.choices,
        "channels": queries.list_channels(),
        "next_cursor": page.next_cursor,
        "is_first_page": not request.GET.get("cursor"),
        "can_assign": can_assign,
        "can_import": can(request.user, "leads.manage"),
        "reassign_form": form if can_assign else None,
        "query": request.GET.urlencode(),
    }
    return render(request, "leads/list.html", context)


def _lead_or_404(request: HttpRequest, lead_id: int) -> Lead:
    try:
        return queries.get_lead_for_user(request.user, lead_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead_or_404(request, lead_id)
    grants = load_grants(request.user, [lead])
    duplicates = list(queries.list_duplicates(request.user, lead))
    dup_grants = load_grants(request.user, duplicates)
    context = {
        "lead": lead,
        "shown": _row(request, lead, grants, DETAIL_FIELDS),
        "assignments": queries.list_lead_assignments(lead),
        "duplicates": [_row(request, d, dup_grants, LIST_FIELDS) for d in duplicates],
    }
    return render(request, "leads/detail.html", context)


@require_POST
def lead_reassign(request: HttpRequest) -> HttpResponse:
    form = ReassignForm(request.POST)
    form.fields["agent"].queryset = queries.list_agents()  # type: ignore[attr-defined]
    ids = [int(v) for v in request.POST.getlist("lead") if v.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, _("请选择线索和接收人"))
        return redirect("leads:list")
    leads = queries.list_scoped_leads(request.user, ids)
    try:
        moved = reassign_leads(leads, to_agent=form.cleaned_data["agent"], acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已改派 %(n)d 条线索") % {"n": moved})
    return redirect("leads:list")


# ---- imports ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            lead_import = importing.create_import(
                channel=form.cleaned_data["channel"],
                upload=upload,
                file_name=upload.name,
                size=upload.size,
                campaign=form.cleaned_data["campaign"],
                acting_user=request.user,
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("leads:import", import_id=lead_import.pk)
    if request.method == "POST":
        status = 400
    context = {"form": form, "imports": queries.list_imports()}
    return render(request, "leads/imports.html", context, status=status)


def _import_or_404(import_id: int) -> LeadImport:
    try:
        return queries.get_import(import_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """The mapping step while pending, then progress and the summary."""
    lead_import = _import_or_404(import_id)
    form = ImportMappingForm(
        request.POST or None, headers=lead_import.headers, initial_map=lead_import.mapping
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                importing.start_import(
                    lead_import, mapping=form.cleaned_data, acting_user=request.user
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("leads:import", import_id=lead_import.pk)
    context = {"imp": lead_import, "form": form, "pending": lead_import.status == "pending"}
    return render(request, "leads/import.html", context, status=status)


@require_GET
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    lead_import = _import_or_404(import_id)
    return render(request, "leads/_import_progress.html", {"imp": lead_import})


@require_GET
def import_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    lead_import = _import_or_404(import_id)
    try:
        content = importing.error_report_bytes(lead_import)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="lead-import-{lead_import.pk}-errors.csv"'
    )
    return response
