"""Sales pages: my tasks, the follow-up form, the pipeline board and list, and the funnel."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.core import clock
from lendcrm.core.errors import DomainError, NotFound
from lendcrm.identity.roles import can
from lendcrm.leads.models import Lead
from lendcrm.privacy.exports import csv_response
from lendcrm.privacy.masking import display_dict, load_grants
from lendcrm.sales import conversion, queries
from lendcrm.sales.choices import TaskStatus
from lendcrm.sales.forms import FollowUpForm, FunnelForm, MoveStageForm
from lendcrm.sales.funnel import FUNNEL_STAGES
from lendcrm.sales.services.follow_ups import log_follow_up
from lendcrm.sales.services.pipeline import move_lead_stage


def _lead_or_404(request: HttpRequest, lead_id: int) -> Lead:
    try:
        return queries.get_lead_for_user(request.user, lead_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _masked_mobiles(request: HttpRequest, leads: list[Lead]) -> dict[int, str]:
    grants = load_grants(request.user, leads)
    return {
        lead.pk: display_dict(lead, user=request.user, fields=("mobile",), grants=grants)["mobile"]
        for lead in leads
    }


# ---- tasks -----------------------------------------------------------------------------------


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in TaskStatus.values:
        status = ""
    mine = request.GET.get("mine") == "1"
    tasks = queries.list_tasks(request.user, status=status, mine=mine)
    context = {
        "tasks": tasks,
        "now": clock.now(),
        "status": status,
        "mine": mine,
        "statuses": TaskStatus.choices,
        "is_team_view": not mine and can(request.user, "sales.manage"),
    }
    return render(request, "sales/tasks.html", context)


@require_GET
def task_badge(request: HttpRequest) -> HttpResponse:
    counts = queries.count_due_tasks(request.user, now=clock.now())
    return render(request, "sales/_task_badge.html", {"counts": counts})


# ---- follow-ups ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead_or_404(request, lead_id)
    form = FollowUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                log_follow_up(lead, data=form.to_input(), acting_user=request.user)
            except DomainError as exc:
                for problem in exc.problems:
                    form.add_error(
                        problem.field if problem.field in form.fields else None, problem.message
                    )
                if not exc.problems:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("跟进记录已保存"))
                return redirect("sales:follow_up", lead_id=lead.pk)
    context = {
        "lead": lead,
        "mobile": _masked_mobiles(request, [lead])[lead.pk],
        "form": form,
        "records": queries.list_follow_ups(lead),
        "open_tasks": queries.list_open_tasks_for_lead(lead),
        "stage_changes": queries.list_stage_changes(lead),
        "scripts": queries.search_scripts(queries.ScriptFilters(stage=lead.status))[:10],
        "move_form": MoveStageForm(initial={"to": lead.status}),
    }
    return render(request, "sales/follow_up.html", context, status=status)


# ---- pipeline --------------------------------------------------------------------------------


def _board_context(request: HttpRequest, *, error: str = "") -> dict[str, Any]:
    campaign = request.GET.get("campaign", "").strip()
    columns = queries.board_columns(request.user, campaign=campaign)
    leads = [lead for column in columns for lead in column.leads]
    entered = queries.stage_entered_at(leads)
    now = clock.now()
    mobiles = _masked_mobiles(request, leads)
    cards = {
        lead.pk: {
            "mobile": mobiles[lead.pk],
            "days": max(0, (now - entered.get(lead.pk, lead.updated_at)).days),
        }
        for lead in leads
    }
    return {
        "columns": columns,
        "cards": cards,
        "stages": [column.stage for column in columns],
        "campaign": campaign,
        "error": error,
    }


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/board.html", _board_context(request))


@require_GET
def pipeline_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sales/pipeline_list.html", _board_context(request))


@require_POST
def move_stage(request: HttpRequest, lead_id: int) -> HttpResponse:
    lead = _lead_or_404(request, lead_id)
    form = MoveStageForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("请选择有效的销售阶段")
    else:
        try:
            move_lead_stage(
                lead,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
        except DomainError as exc:
            error = exc.message
    if request.htmx:  # type: ignore[attr-defined]
        template = "sales/_board.html"
        if request.POST.get("view") == "list":
            template = "sales/_pipeline_table.html"
        return render(request, template, _board_context(request, error=error))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("线索阶段已更新"))
    target = request.POST.get("next", "")
    if target == "follow_up":
        return redirect("sales:follow_up", lead_id=lead.pk)
    if target == "list":
        return redirect("sales:pipeline_list")
    return redirect("sales:board")


# ---- conversion analysis ---------------------------------------------------------------------


def _funnel_filters(request: HttpRequest) -> tuple[FunnelForm, conversion.FunnelFilters | None]:
    data = FunnelForm.default_data() | {k: v for k, v in request.GET.items() if v}
    form = FunnelForm(data)
    if not form.is_valid():
        return form, None
    cleaned = form.cleaned_data
    return form, conversion.FunnelFilters(
        date_from=cleaned["date_from"],
        date_to=cleaned["date_to"],
        group_by=cleaned.get("group_by") or "team",
    )


@require_GET
def funnel(request: HttpRequest) -> HttpResponse:
    form, filters = _funnel_filters(request)
    if filters is None:
        return render(request, "sales/funnel.html", {"form": form}, status=400)
    report = conversion.build_report(request.user, filters)
    stages = list(FUNNEL_STAGES)
    context = {
        "form": form,
        "report": report,
        "steps": [
            {
                "stage": stage,
                "reached": report.overall.reached[i],
                "rate": report.overall.rates[i],
                "median_hours": report.median_hours[i],
            }
            for i, stage in enumerate(stages)
        ],
        "chart": conversion.chart_data(report),
        "query": request.GET.urlencode(),
        "can_export": can(request.user, "export"),
        "generated_at": timezone.localtime(clock.now()),
    }
    return render(request, "sales/funnel.html", context)


@require_GET
def funnel_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _funnel_filters(request)
    if filters is None:
        messages.error(request, _("筛选条件无效"))
        return redirect("sales:funnel")
    try:
        export = conversion.export_funnel(request.user, filters)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sales:funnel")
    return csv_response(export)
