"""Customer pages: the scoped list, the profile with audited reveal, and the CSV export."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from lendcrm.core import clock
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.customers.models import Customer
from lendcrm.customers.profile_context import profile_context
from lendcrm.customers.queries import (
    CustomerFilters,
    get_customer_for_user,
    list_customers,
    list_tag_counts,
    tags_by_customer,
)
from lendcrm.customers.schemas import DETAIL_FIELDS, LIST_FIELDS, owner_name
from lendcrm.customers.services import export_customers, reveal_customer_field
from lendcrm.identity.roles import can
from lendcrm.privacy.exports import csv_response
from lendcrm.privacy.masking import (
    Grants,
    display_dict,
    field_label,
    load_grants,
    sensitive_fields,
    with_choice_labels,
)

DETAIL_SECTIONS = (
    (_("身份信息"), ("name", "gender", "birth_date", "id_number", "mobile", "email")),
    (_("地址"), ("province", "city", "address", "hukou_address")),
    (_("家庭"), ("marital_status", "education", "children", "housing")),
    (
        _("工作与收入"),
        (
            "employment_type",
            "employer",
            "employer_phone",
            "occupation",
            "position",
            "years_employed",
            "monthly_income",
        ),
    ),
)


@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    q, city = request.GET.get("q", "").strip(), request.GET.get("city", "").strip()
    tag = request.GET.get("tag", "").strip()
    filters = CustomerFilters.from_search(q, city=city, tag=tag)
    try:
        page = list_customers(request.user, filters=filters, cursor=request.GET.get("cursor", ""))
    except DomainError as exc:
        return _problem(request, exc)
    grants = load_grants(request.user, page.items)
    tags = tags_by_customer(page.items)
    rows = [
        {
            "id": customer.pk,
            "owner": owner_name(customer.owner),
            "tags": tags[customer.pk],
            **with_choice_labels(
                customer,
                display_dict(customer, user=request.user, fields=LIST_FIELDS, grants=grants),
            ),
        }
        for customer in page.items
    ]
    context = {
        "rows": rows,
        "q": q,
        "city": city,
        "tag": tag,
        "tag_counts": list_tag_counts(request.user),
        "next_cursor": page.next_cursor,
        "is_first_page": not request.GET.get("cursor"),
        "can_export": can(request.user, "export"),
    }
    return render(request, "customers/list.html", context)


@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(request, customer_id)
    context = {**_detail_context(request, customer), **profile_context(request, customer)}
    return render(request, "customers/detail.html", context)


@require_POST
def customer_reveal(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_or_404(request, customer_id)
    field, reason = request.POST.get("field", ""), request.POST.get("reason", "")
    try:
        reveal_customer_field(user=request.user, customer=customer, field=field, reason=reason)
    except DomainError as exc:
        error, status = exc.message, exc.status_code
    else:
        if not _is_htmx(request):
            return redirect("customers:detail", customer_id=customer.pk)
        error, status = "", 200
    if _is_htmx(request) and field in sensitive_fields(customer):
        grants = load_grants(request.user, [customer])
        shown = display_dict(customer, user=request.user, fields=[field], grants=grants)
        item = _field_view(customer, field, shown, grants, error=error, reason=reason)
        context = {"customer": customer, "f": item}
        return render(request, "customers/_sensitive_field.html", context, status=status)
    context = _detail_context(request, customer, error=error)
    return render(request, "customers/detail.html", context, status=status)


@require_GET
def customer_export(request: HttpRequest) -> HttpResponse:
    filters = CustomerFilters.from_search(
        request.GET.get("q", ""), city=request.GET.get("city", ""), tag=request.GET.get("tag", "")
    )
    try:
        export = export_customers(user=request.user, filters=filters)
    except DomainError as exc:
        return _problem(request, exc)
    return csv_response(export)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _customer_or_404(request: HttpRequest, customer_id: int) -> Customer:
    try:
        return get_customer_for_user(request.user, customer_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _detail_context(request: HttpRequest, customer: Customer, *, error: str = "") -> dict[str, Any]:
    grants = load_grants(request.user, [customer])
    shown = display_dict(customer, user=request.user, fields=DETAIL_FIELDS, grants=grants)
    sections = [
        {"title": title, "fields": [_field_view(customer, n, shown, grants) for n in names]}
        for title, names in DETAIL_SECTIONS
    ]
    return {
        "customer": customer,
        "customer_no": shown["customer_no"],
        "owner": owner_name(customer.owner),
        "sections": sections,
        "error": error,
    }


def _field_view(
    customer: Customer,
    name: str,
    shown: dict[str, Any],
    grants: Grants,
    *,
    error: str = "",
    reason: str = "",
) -> dict[str, Any]:
    until = grants.expires_at(customer, name)
    return {
        "name": name,
        "label": field_label(Customer, name),
        "value": with_choice_labels(customer, {name: shown[name]})[name],
        "sensitive": name in sensitive_fields(customer),
        "revealed_until": until,
        # The page asks again for the field just after the grant ends, to show it masked.
        "remask_in": int((until - clock.now()).total_seconds()) + 1 if until else None,
        "error": error,
        "reason": reason,
    }


def _problem(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(
        request, "customers/problem.html", {"message": exc.message}, status=exc.status_code
    )
