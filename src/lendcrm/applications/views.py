"""Application pages: the list, assisted entry by staff, one application, and the customer's H5
form. Views parse, call one service and render; rules and audit live in services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lendcrm.applications import h5, queries, services
from lendcrm.applications.choices import ApplicationSource, ApplicationStatus
from lendcrm.applications.forms import ApplicationForm, CancelForm
from lendcrm.applications.models import Application
from lendcrm.applications.panels import panels_for
from lendcrm.applications.transitions import EDITABLE
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.customers.queries import get_customer_for_user
from lendcrm.identity.roles import can


def _found(application_id: int, user: Any) -> Application:
    try:
        return queries.get_application(user, application_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET"])
def application_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = queries.list_applications(request.user, status=status, query=request.GET.get("q", ""))
    return render(
        request,
        "applications/list.html",
        {
            "page_title": _("进件"),
            "applications": rows,
            "statuses": ApplicationStatus.choices,
            "status": status,
            "q": request.GET.get("q", ""),
        },
    )


@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = get_customer_for_user(request.user, customer_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ApplicationForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                customer=customer,
                terms=form.terms(),
                acting_user=request.user,
                profile=form.profile(),
            )
        except DomainError as exc:
            form.add_problems(exc.problems or [])
        else:
            messages.success(request, _("申请已保存为草稿，可上传资料后提交。"))
            return redirect("applications:detail", application_id=application.pk)
    return render(
        request,
        "applications/form.html",
        {"page_title": _("新建申请"), "form": form, "customer": customer},
    )


@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _found(application_id, request.user)
    if application.status not in EDITABLE:
        messages.error(request, _("只有草稿或退回补件的申请可以修改"))
        return redirect("applications:detail", application_id=application.pk)
    initial = {
        **ocr_prefill(request.user, application),
        "product": application.product_id,
        "amount": application.amount,
        "term": application.term,
        "repayment_method": application.repayment_method,
        "purpose": application.purpose,
    }
    form = ApplicationForm(request.POST or None, customer=application.customer, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(
                application, terms=form.terms(), acting_user=request.user, profile=form.profile()
            )
        except DomainError as exc:
            form.add_problems(exc.problems or [DomainError(exc.message)])
        else:
            messages.success(request, _("申请已更新"))
            return redirect("applications:detail", application_id=application.pk)
    return render(
        request,
        "applications/form.html",
        {
            "page_title": _("修改申请"),
            "form": form,
            "customer": application.customer,
            "application": application,
        },
    )


def ocr_prefill(user: Any, application: Application) -> dict[str, Any]:
    """Profile facts the ID card's OCR read, offered as the form's initial values."""
    from lendcrm.documents.queries import id_card_prefill

    read = id_card_prefill(user, application)
    return {"hukou_address": read["address"]} if read.get("address") else {}


@require_http_methods(["GET"])
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _found(application_id, request.user)
    decision = queries.latest_decision(application)
    return render(
        request,
        "applications/detail.html",
        {
            "page_title": _("申请 %(no)s") % {"no": application.application_no},
            "application": application,
            "decision": decision,
            "editable": application.status in EDITABLE and can(request.user, "applications.create"),
            "cancel_form": CancelForm(),
            **panels_for(request, application),
        },
    )


@require_POST
def application_submit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _found(application_id, request.user)
    try:
        outcome = services.submit_application(application, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        label = ApplicationStatus(outcome.route).label
        codes = "、".join(outcome.reason_codes) or "—"
        messages.success(
            request,
            _("已提交，预审结果：%(route)s（原因码：%(codes)s）")
            % {"route": label, "codes": codes},
        )
    return redirect("applications:detail", application_id=application.pk)


@require_POST
def application_cancel(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _found(application_id, request.user)
    form = CancelForm(request.POST)
    try:
        reason = form.data.get("reason", "")
        services.cancel_application(application, acting_user=request.user, reason=str(reason))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("申请已取消"))
    return redirect("applications:detail", application_id=application.pk)


@require_POST
def h5_link(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Issue the customer's own application link, shown once to the staff member."""
    try:
        customer = get_customer_for_user(request.user, customer_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    token = h5.make_link_token(customer, acting_user=request.user)
    link = request.build_absolute_uri(reverse("applications:h5", args=[token]))
    return render(
        request,
        "applications/h5_link.html",
        {"page_title": _("客户自助申请链接"), "customer": customer, "link": link},
    )


@require_http_methods(["GET", "POST"])
def h5_apply(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's own mobile page: the terms, what the profile lacks, then submit."""
    try:
        invitation = h5.read_link_token(token)
    except NotFound as exc:
        raise Http404(_("链接无效或已过期")) from exc
    customer = invitation.customer
    form = ApplicationForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                customer=customer,
                terms=form.terms(),
                acting_user=None,
                source=ApplicationSource.H5,
                profile=form.profile(),
            )
            outcome = services.submit_application(application, acting_user=None)
        except DomainError as exc:
            form.add_problems(exc.problems or [])
        else:
            return render(
                request,
                "applications/h5_done.html",
                {"message": outcome.customer_message, "application": outcome.application},
            )
    return render(request, "applications/h5_form.html", {"form": form, "customer": customer})
