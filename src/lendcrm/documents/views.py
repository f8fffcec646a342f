"""Documents pages: an application's documents panel (HTMX partial), upload, audited file view."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from lendcrm.applications.models import Application
from lendcrm.applications.queries import get_application
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.documents import queries
from lendcrm.documents.forms import UploadForm
from lendcrm.documents.panel import document_rows
from lendcrm.documents.services import UPLOAD_STATUSES, open_document, upload_document
from lendcrm.identity.roles import can

UPLOAD_CAPABILITY = "applications.create"


def _application_or_404(request: HttpRequest, application_id: int) -> Application:
    try:
        return get_application(request.user, application_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def panel_context(
    request: HttpRequest, application: Application, *, form: UploadForm | None = None
) -> dict[str, Any]:
    """Context of `documents/_documents_panel.html`, for pages of other apps that include it."""
    return {
        "application": application,
        "rows": document_rows(queries.list_documents(request.user, application)),
        "form": form or UploadForm(),
        "can_upload": application.status in UPLOAD_STATUSES
        and can(request.user, UPLOAD_CAPABILITY),
    }


@require_GET
def application_documents(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application_or_404(request, application_id)
    context = panel_context(request, application)
    template = "documents/_documents_panel.html" if _is_htmx(request) else "documents/list.html"
    return render(request, template, context)


@require_POST
def upload(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application_or_404(request, application_id)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload_document(
                application,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                acting_user=request.user,
            )
        except DomainError as exc:
            for problem in exc.problems:
                form.add_error(
                    problem.field if problem.field in form.fields else None, problem.message
                )
            if not exc.problems:
                form.add_error(None, exc.message)
        else:
            if _is_htmx(request):
                return render(
                    request, "documents/_documents_panel.html", panel_context(request, application)
                )
            return redirect("documents:application", application_id=application.pk)
    context = panel_context(request, application, form=form)
    if _is_htmx(request):  # htmx swaps 200 responses only: the form comes back with its errors
        return render(request, "documents/_documents_panel.html", context)
    return render(request, "documents/list.html", context, status=400)


@require_GET
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """The file itself, inline (or as a download with ?download=1); every view is audited."""
    try:
        document = queries.get_document_for_user(request.user, document_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    as_attachment = request.GET.get("download") == "1"
    handle = open_document(document, acting_user=request.user, download=as_attachment)
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=as_attachment,
        filename=document.original_name or str(document.file.name).rsplit("/", 1)[-1],
    )
    if not as_attachment:
        response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
