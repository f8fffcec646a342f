"""Loan pages: credit lines, a line with its loan notes, manual repayment (HTMX), end of day."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lendcrm.core import clock
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.identity.roles import can
from lendcrm.loans import queries
from lendcrm.loans.choices import CreditLineStatus
from lendcrm.loans.forms import ManualPaymentForm
from lendcrm.loans.models import Loan
from lendcrm.loans.services.end_of_day import progress_of
from lendcrm.loans.services.repayments import post_manual_payment

T = TypeVar("T")


def _found(read: Callable[[], T]) -> T:
    """Outside the caller's scope looks exactly like absent: a 404 page."""
    try:
        return read()
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_GET
def line_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in CreditLineStatus.values:
        status = ""
    lines = queries.list_lines_for_user(request.user, status=status)
    context = {
        "page_title": _("授信与借据"),
        "lines": lines,
        "status": status,
        "statuses": CreditLineStatus.choices,
    }
    return render(request, "loans/lines.html", context)


def _loan_context(
    request: HttpRequest, loan: Loan, form: ManualPaymentForm | None = None
) -> dict[str, Any]:
    return {
        "view": queries.loan_view(loan),
        "schedule": queries.schedule_of(loan),
        "payments": queries.payments_of(loan),
        "journal": queries.journal_of(loan),
        "can_post": can(request.user, "loans.post_payment"),
        "form": form or ManualPaymentForm(initial={"value_date": clock.today()}),
    }


@require_GET
def line_detail(request: HttpRequest, line_id: int) -> HttpResponse:
    line = _found(lambda: queries.get_line_for_user(request.user, line_id))
    drawdowns = queries.drawdowns_of(line)
    context = {
        "page_title": _("授信 %(no)s") % {"no": line.line_no},
        "line": line,
        "drawdowns": drawdowns,
        "loans": [_loan_context(request, d.loan) for d in drawdowns],
        "adjustments": list(line.adjustments.select_related("operator", "approver")[:20]),
    }
    return render(request, "loans/line.html", context)


@require_POST
def post_payment(request: HttpRequest, loan_id: int) -> HttpResponse:
    loan = _found(lambda: queries.get_loan_for_user(request.user, loan_id))
    form = ManualPaymentForm(request.POST)
    message, status = "", 422
    if form.is_valid():
        try:
            result = post_manual_payment(
                loan,
                amount=form.cleaned_data["amount"],
                reference=form.cleaned_data["reference"],
                value_date=form.cleaned_data["value_date"],
                prepay=form.cleaned_data["prepay"],
                acting_user=request.user,
            )
            message = _("已入账") if result.created else _("该流水号已入账，未重复入账")
            status = 200
        except DomainError as exc:
            form.add_error(None, exc.message)
    loan = queries.get_loan_for_user(request.user, loan_id)
    shown = None if status == 200 else form
    context = {"item": _loan_context(request, loan, shown), "message": message}
    return render(request, "loans/_loan_panel.html", context, status=status)


@require_GET
def eod(request: HttpRequest) -> HttpResponse:
    return render(request, "loans/eod.html", {"page_title": _("日终批处理"), "runs": _runs()})


@require_GET
def eod_progress(request: HttpRequest) -> HttpResponse:
    return render(request, "loans/_eod_runs.html", {"runs": _runs()})


def _runs() -> list[dict[str, Any]]:
    return [{"run": run, "progress": progress_of(run)} for run in queries.recent_runs()]
