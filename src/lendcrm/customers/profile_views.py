"""Customer 360 actions: tags (HTMX), timeline pages, bureau reports, contacts, real estate,
vehicles and third-party scores (add, edit, remove), lead conversion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.audit.services import record_event
from lendcrm.core.errors import DomainError, NotFound, PermissionDenied
from lendcrm.customers.choices import TagKind
from lendcrm.customers.conversion import conversion_draft, convert_lead_to_customer
from lendcrm.customers.forms import (
    BureauReportForm,
    ContactForm,
    ConversionForm,
    InteractionForm,
)
from lendcrm.customers.interactions import log_interaction
from lendcrm.customers.models import Customer
from lendcrm.customers.profile import add_contact, check_can_edit, upload_bureau_report
from lendcrm.customers.profile_items import (
    ITEM_KINDS,
    ItemKind,
    item_form_context,
    make_item_form,
)
from lendcrm.customers.queries import (
    get_bureau_report_for_user,
    get_customer_for_user,
    get_customer_profile,
    list_tags,
)
from lendcrm.customers.tags import TAG_CAPABILITY, apply_tag, remove_tag
from lendcrm.customers.timeline import timeline_for_customer, timeline_for_lead
from lendcrm.identity.roles import can
from lendcrm.leads.queries import get_lead_for_user
from lendcrm.privacy.masking import display_dict


def _customer_or_404(request: HttpRequest, customer_id: int) -> Customer:
    try:
        return get_customer_for_user(request.user, customer_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _lead_or_404(request: HttpRequest, lead_id: int) -> Any:
    try:
        return get_lead_for_user(request.user, lead_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@require_POST
def tag_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _change_tag(request, customer_id, apply_tag)


@require_POST
def tag_remove(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _change_tag(request, customer_id, remove_tag)


def _change_tag(request: HttpRequest, customer_id: int, change: Any) -> HttpResponse:
    customer = _customer_or_404(request, customer_id)
    error, status = "", 200
    try:
        change(name=request.POST.get("tag", ""), customer=customer, acting_user=request.user)
    except DomainError as exc:
        error, status = exc.message, exc.status_code
    if not _is_htmx(request) and not error:
        return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request, "customers/_tags.html", _tags_context(request, customer, error), status=status
    )


def _tags_context(request: HttpRequest, customer: Customer, error: str) -> dict[str, Any]:
    assignments = get_customer_profile(customer).tags
    active = {a.tag_id for a in assignments}
    return {
        "customer": customer,
        "tag_assignments": assignments,
        "addable_tags": [t for t in list_tags() if t.kind == TagKind.MANUAL and t.pk not in active],
        "can_tag": can(request.user, TAG_CAPABILITY),
        "tag_error": error,
    }


@require_GET
def customer_timeline(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(request, customer_id)
    return _timeline_page(request, customer, timeline_for_customer)


@require_GET
def lead_timeline(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead_or_404(request, lead_id)
    return _timeline_page(request, lead, timeline_for_lead, is_lead=True)


def _timeline_page(
    request: HttpRequest, subject: Any, read_page: Callable[..., Any], *, is_lead: bool = False
) -> HttpResponse:
    try:
        page = read_page(request.user, subject, cursor=request.GET.get("cursor"))
    except DomainError as exc:
        return render(
            request, "customers/problem.html", {"message": exc.message}, status=exc.status_code
        )
    context = {
        "timeline": page,
        "more_url": f"{request.path}?cursor={page.next_cursor}" if page.next_cursor else "",
        "subject": subject,
        "is_lead": is_lead,
    }
    template = "customers/_timeline.html" if _is_htmx(request) else "customers/timeline.html"
    return render(request, template, context)


@require_POST
def bureau_upload(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(request, customer_id)
    form = BureauReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload_bureau_report(
                customer,
                upload=form.cleaned_data["file"],
                summary=form.summary(),
                acting_user=request.user,
            )
        except DomainError as exc:
            for problem in exc.problems or []:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, problem.message)
        else:
            return redirect(f"{_detail_url(customer)}#tab-credit")
    return render(
        request, "customers/bureau_form.html", {"customer": customer, "form": form}, status=400
    )


@require_GET
def bureau_file(request: HttpRequest, report_id: int) -> FileResponse:
    try:
        report = get_bureau_report_for_user(request.user, report_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    record_event(
        "customer.bureau_report_viewed",
        actor=request.user,
        target=report.customer,
        metadata={"report_id": report.pk},
    )
    response = FileResponse(report.file.open("rb"), content_type=report.content_type)
    response["Content-Disposition"] = "inline"
    return response


@require_POST
def contact_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(request, customer_id)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            add_contact(customer, acting_user=request.user, **form.cleaned_data)
        except DomainError as exc:
            for problem in exc.problems or []:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, problem.message)
        else:
            return redirect(f"{_detail_url(customer)}#tab-contacts")
    return render(
        request, "customers/contact_form.html", {"customer": customer, "form": form}, status=400
    )


@require_POST
def interaction_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(request, customer_id)
    form = InteractionForm(request.POST)
    if form.is_valid():
        try:
            log_interaction(customer, acting_user=request.user, **form.cleaned_data)
        except DomainError as exc:
            for problem in exc.problems or []:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, problem.message)
        else:
            return redirect(f"{_detail_url(customer)}#tab-timeline")
    return render(
        request, "customers/interaction_form.html", {"customer": customer, "form": form}, status=400
    )


@require_http_methods(["GET", "POST"])
def convert_lead(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead_or_404(request, lead_id)
    if lead.customer_id is not None:
        return redirect("customers:detail", customer_id=lead.customer_id)
    draft = conversion_draft(lead)
    form = ConversionForm(
        request.POST or None,
        initial={"province": draft.values["province"], "city": draft.values["city"]},
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            customer = convert_lead_to_customer(lead, acting_user=request.user, extra=form.extra())
        except DomainError as exc:
            error = exc.message
            for problem in exc.problems:
                if problem.field in form.fields:
                    form.add_error(problem.field, problem.message)
        else:
            return redirect("customers:detail", customer_id=customer.pk)
    shown = display_dict(lead, user=request.user, fields=("name", "mobile", "id_number", "city"))
    context = {"lead": lead, "shown": shown, "form": form, "error": error, "missing": draft.missing}
    return render(request, "customers/convert.html", context, status=400 if error else 200)


def _detail_url(customer: Customer) -> str:
    return reverse("customers:detail", args=[customer.pk])


def _item_or_404(request: HttpRequest, kind: ItemKind, customer_id: int, item_id: int) -> Any:
    try:
        return kind.get(request.user, customer_id, item_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _save_item(
    request: HttpRequest, kind: ItemKind, customer: Customer, item: Any = None
) -> HttpResponse:
    form = make_item_form(kind, item, request.POST)
    if form.is_valid():
        try:
            if item is None:
                kind.add(customer, acting_user=request.user, **form.values())
            else:
                kind.update(item, acting_user=request.user, **form.values())
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise DjangoPermissionDenied(exc.message) from exc
            for problem in exc.problems or []:
                field = problem.field if problem.field in form.fields else None
                form.add_error(field, problem.message)
        else:
            back = f"{_detail_url(customer)}#{kind.tab}"
            if _is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = back
                return response
            return redirect(back)
    context = item_form_context(customer, kind, form, item)
    if _is_htmx(request):  # htmx swaps 2xx answers only: the form comes back with its errors
        return render(request, "customers/_item_form.html", context)
    return render(request, "customers/item_form.html", context, status=400)


def _refuse_unless_editor(request: HttpRequest) -> None:
    try:
        check_can_edit(request.user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


def _item_add(kind_name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    kind = ITEM_KINDS[kind_name]

    @require_POST
    def add(request: HttpRequest, customer_id: int) -> HttpResponse:
        return _save_item(request, kind, _customer_or_404(request, customer_id))

    return add


def _item_edit(kind_name: str) -> Callable[[HttpRequest, int, int], HttpResponse]:
    kind = ITEM_KINDS[kind_name]

    @require_http_methods(["GET", "POST"])
    def edit(request: HttpRequest, customer_id: int, item_id: int) -> HttpResponse:
        item = _item_or_404(request, kind, customer_id, item_id)
        customer = item.customer
        if request.method == "POST":
            return _save_item(request, kind, customer, item)
        _refuse_unless_editor(request)
        form = make_item_form(kind, item)
        context = item_form_context(customer, kind, form, item)
        template = "customers/_item_form.html" if _is_htmx(request) else "customers/item_form.html"
        return render(request, template, context)

    return edit


def _item_remove(kind_name: str) -> Callable[[HttpRequest, int, int], HttpResponse]:
    kind = ITEM_KINDS[kind_name]

    @require_POST
    def remove(request: HttpRequest, customer_id: int, item_id: int) -> HttpResponse:
        item = _item_or_404(request, kind, customer_id, item_id)
        customer = item.customer
        _refuse_unless_editor(request)
        kind.remove(item, acting_user=request.user)
        return redirect(f"{_detail_url(customer)}#{kind.tab}")

    return remove


real_estate_add = _item_add("real_estate")
real_estate_edit = _item_edit("real_estate")
real_estate_remove = _item_remove("real_estate")
vehicle_add = _item_add("vehicle")
vehicle_edit = _item_edit("vehicle")
vehicle_remove = _item_remove("vehicle")
score_add = _item_add("score")
score_edit = _item_edit("score")
score_remove = _item_remove("score")
