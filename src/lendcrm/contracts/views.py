"""Contract pages: staff detail, download and actions; the customer's public signing page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.applications.queries import get_application
from lendcrm.contracts import queries, services
from lendcrm.contracts.choices import ContractStatus
from lendcrm.contracts.esign import SigningLinkInvalid
from lendcrm.contracts.models import Contract
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.core.middleware import client_ip
from lendcrm.identity.roles import can
from lendcrm.loans.queries import schedule_of


def _contract_or_404(request: HttpRequest, contract_id: int) -> Contract:
    try:
        return queries.get_contract_for_user(request.user, contract_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _application_or_404(request: HttpRequest, application_id: int) -> Application:
    try:
        return get_application(request.user, application_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def panel_context(request: HttpRequest, application: Application) -> dict[str, object]:
    """What `contracts/_contract_panel.html` needs; the application page renders it with this."""
    can_view = can(request.user, "contracts.view")
    contract = (
        queries.find_contract_for_application(request.user, application) if can_view else None
    )
    return {
        "can_view": can_view,
        "application": application,
        "contract": contract,
        "signatures": queries.list_signatures(contract) if contract else [],
        "can_manage": can_view and can(request.user, "contracts.manage"),
        "can_generate": contract is None and application.status == ApplicationStatus.APPROVED,
        "signing_url": request.session.get(f"contract-link-{contract.pk}") if contract else None,
    }


@require_GET
def detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract_or_404(request, contract_id)
    context = panel_context(request, contract.application)
    context.update(
        {
            "contract": contract,
            "terms": contract.terms,
            "loan_schedule": schedule_of(contract.loan) if contract.loan else [],
            "page_title": _("借款合同"),
        }
    )
    return render(request, "contracts/detail.html", context)


@require_GET
def application_panel(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application_or_404(request, application_id)
    return render(request, "contracts/_contract_panel.html", panel_context(request, application))


@require_GET
def download(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract_or_404(request, contract_id)
    try:
        data = services.read_contract_pdf(contract, acting_user=request.user)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{contract.contract_no}.pdf"'
    return response


@require_POST
def generate(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _application_or_404(request, application_id)
    try:
        contract = services.generate_contract(application, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, _("无法生成合同：%(reason)s") % {"reason": exc.message})
        existing = queries.find_contract_for_application(request.user, application)
        if existing is not None:
            return redirect("contracts:detail", existing.pk)
        return render(
            request,
            "contracts/problem.html",
            {"application": application, "message": exc.message, "page_title": _("合同")},
            status=exc.status_code,
        )
    messages.success(request, _("合同已生成并由贷款人数字签章"))
    return redirect("contracts:detail", contract.pk)


@require_POST
def signing_link(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract_or_404(request, contract_id)
    try:
        link = services.request_customer_signature(contract, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contracts:detail", contract.pk)
    request.session[f"contract-link-{contract.pk}"] = request.build_absolute_uri(link.url)
    messages.success(request, _("签署链接已生成，请发送给客户"))
    return redirect("contracts:detail", contract.pk)


@require_POST
def cancel(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _contract_or_404(request, contract_id)
    try:
        services.cancel_contract(
            contract, acting_user=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("合同已作废"))
    return redirect("contracts:detail", contract.pk)


# ---- the customer's page (public: the signed, expiring link is the credential) ----------------


def _contract_for_link(token: str) -> Contract | None:
    try:
        return services.contract_for_link(token)
    except SigningLinkInvalid:
        return None


def _customer_message(exc: DomainError) -> str:
    field = exc.problems[0].field if exc.problems else ""
    if field == "document_sha256":
        return _("合同文件已更新，请刷新页面，重新阅读后再签署。")
    if field == "status":
        return _("该合同已签署或已作废，无需重复签署。")
    return _("签署未完成，请稍后重试或联系您的客户经理。")


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, token: str) -> HttpResponse:
    contract = _contract_for_link(token)
    if contract is None:
        invalid = {"message": _("签署链接无效或已过期，请联系您的客户经理重新获取。")}
        return render(request, "contracts/sign_invalid.html", invalid, status=403)
    error = ""
    status = 200
    if request.method == "POST":
        if request.POST.get("agree") != "1":
            error, status = _("请先勾选“我已阅读并同意”"), 400
        else:
            try:
                services.accept_by_link(
                    token,
                    document_sha256=request.POST.get("document_sha256", ""),
                    ip_address=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except DomainError as exc:
                error, status = _customer_message(exc), exc.status_code
            contract.refresh_from_db()
    context: dict[str, object] = {
        "contract": contract,
        "terms": contract.terms,
        "token": token,
        "error": error,
        "signed": contract.status == ContractStatus.CUSTOMER_SIGNED,
        "signable": contract.status == ContractStatus.LENDER_SIGNED,
    }
    return render(request, "contracts/sign.html", context, status=status)


@require_GET
def sign_document(request: HttpRequest, token: str) -> HttpResponse:
    contract = _contract_for_link(token)
    if contract is None or contract.status == ContractStatus.CANCELLED:
        raise Http404("the signing link is not valid")
    try:
        data = services.read_pdf_for_customer(contract)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{contract.contract_no}.pdf"'
    return response
