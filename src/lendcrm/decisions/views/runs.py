"""Running strategies from the pages: test panel, decision records, the champion/challenger
report and simulations."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lendcrm.applications.queries import get_application
from lendcrm.core.errors import DomainError
from lendcrm.decisions import (
    explanations,
    prescreen,
    queries,
    reports,
    services,
    simulation,
    strategy_steps,
)
from lendcrm.decisions.engine import CompiledStrategy, InputRejected
from lendcrm.decisions.forms import TestPanelForm
from lendcrm.decisions.models import Strategy
from lendcrm.decisions.views.common import found

# ---- test panel and decision records ------------------------------------------------------


def _test_inputs(
    request: HttpRequest, form: TestPanelForm, compiled: CompiledStrategy
) -> dict[str, Any]:
    """The declared inputs as a pre-screen would build them: from the application (within the
    caller's data scope) or from the sample JSON, enriched with list hits and bureau data."""
    application_id = form.cleaned_data["application_id"]
    if application_id:
        application = get_application(request.user, application_id)
        screen = prescreen.request_from_application(application)
    else:
        try:
            payload = json.loads(form.cleaned_data["sample"] or "{}")
        except ValueError as exc:
            raise DomainError(_("样例输入不是有效的 JSON：%(e)s") % {"e": exc}) from exc
        if not isinstance(payload, dict):
            raise DomainError(_("样例输入应为 JSON 对象"))
        screen = prescreen.request_from_payload(payload)
    return prescreen.enrich(screen, compiled).inputs_for(compiled)


@require_http_methods(["GET", "POST"])
def test_panel(request: HttpRequest, version_id: int) -> HttpResponse:
    """Run a version (usually a draft) on one input and show every step; nothing is stored."""
    version = found(lambda: queries.get_version(version_id))
    sample = json.dumps(
        strategy_steps.sample_input(version.definition), ensure_ascii=False, indent=2
    )
    form = TestPanelForm(request.POST or None, initial={"sample": sample})
    trace: dict[str, Any] | None = None
    inputs: dict[str, Any] = {}
    problem = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            compiled = services.compile_version(version)
            inputs = _test_inputs(request, form, compiled)
            trace = explanations.trace_view(version.definition, compiled.evaluate(inputs))
        except InputRejected as exc:
            problem = _("输入 %(field)s 无效：%(message)s") % {
                "field": exc.field,
                "message": exc.message,
            }
        except DomainError as exc:
            problem = exc.message
        status = 400 if problem else 200
    context = {
        "page_title": _("测试面板"),
        "strategy": version.strategy,
        "version": version,
        "form": form,
        "trace": trace,
        "inputs": sorted(inputs.items()),
        "problem": problem,
    }
    return render(request, "decisions/test_panel.html", context, status=status)


@require_GET
def record_detail(request: HttpRequest, record_id: str) -> HttpResponse:
    try:
        record_uuid = uuid.UUID(record_id)
    except ValueError as exc:
        raise Http404("no such decision record") from exc
    record = found(lambda: queries.get_record_for_user(request.user, record_uuid))
    context = {
        "page_title": _("决策记录"),
        "record": record,
        "strategy": record.strategy_version.strategy,
        "view": explanations.record_view(record),
    }
    return render(request, "decisions/record.html", context)


# ---- champion/challenger report and simulation --------------------------------------------


@require_GET
def report(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    data = reports.champion_challenger_report(request.user, strategy)
    context = {
        "page_title": _("冠军/挑战者对比"),
        "strategy": strategy,
        **reports.report_view(data),
    }
    return render(request, "decisions/report.html", context)


@require_http_methods(["GET", "POST"])
def simulations(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    versions = list(queries.list_versions(strategy))
    problem = ""
    if request.method == "POST":
        try:
            number = int(request.POST.get("version", ""))
            version = reports.get_version_by_number(strategy, number)
            job_id = simulation.start_job(
                version,
                live_version=reports.live_version(strategy),
                upload=request.FILES.get("file"),
                acting_user=request.user,
            )
        except (ValueError, DomainError) as exc:
            problem = exc.message if isinstance(exc, DomainError) else _("请选择版本")
        else:
            return redirect("decisions:simulation", strategy_id=strategy.pk, job_id=job_id)
    context = {
        "page_title": _("策略模拟"),
        "strategy": strategy,
        "versions": versions,
        "problem": problem,
    }
    return render(request, "decisions/simulations.html", context, status=400 if problem else 200)


def _job(strategy: Strategy, job_id: str) -> dict[str, Any]:
    state = simulation.load_job(job_id)
    if state is None or state.get("strategy_id") != strategy.pk:
        raise Http404("no such simulation")
    return state


@require_GET
def simulation_detail(request: HttpRequest, strategy_id: int, job_id: str) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    context = {
        "page_title": _("策略模拟"),
        "strategy": strategy,
        "job": reports.job_view(_job(strategy, job_id)),
        "job_id": job_id,
    }
    return render(request, "decisions/simulation.html", context)


@require_GET
def simulation_progress(request: HttpRequest, strategy_id: int, job_id: str) -> HttpResponse:
    strategy = found(lambda: reports.get_strategy(strategy_id))
    context = {
        "strategy": strategy,
        "job": reports.job_view(_job(strategy, job_id)),
        "job_id": job_id,
    }
    return render(request, "decisions/_simulation_progress.html", context)
