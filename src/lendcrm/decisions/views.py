"""Strategy pages: list, versions with their steps, the editors, lifecycle, diff, test panel,
decision records, the champion/challenger report and simulations.

Views parse, authorise (the access policy by URL name, plus the capability checks below for
buttons), call one service and render. Every write goes through decisions.services, which
validates, enforces maker-checker and writes the audit event.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lendcrm.core.errors import DomainError, NotFound
from lendcrm.decisions import forms as grid_forms
from lendcrm.decisions import prescreen, queries, reports, services, simulation
from lendcrm.decisions.choices import DeploymentMode, StrategyVersionStatus
from lendcrm.decisions.engine import CompiledStrategy, DefinitionError, InputRejected
from lendcrm.decisions.forms import ChallengerForm, NewStrategyForm, TestPanelForm
from lendcrm.decisions.models import Strategy, StrategyDeployment, StrategyVersion
from lendcrm.identity.roles import can

T = TypeVar("T")


def _found(read: Callable[[], T]) -> T:
    try:
        return read()
    except NotFound as exc:
        raise Http404(exc.message) from exc


# ---- strategies and versions ------------------------------------------------------------------


@require_GET
def strategy_list(request: HttpRequest) -> HttpResponse:
    context = {
        "page_title": _("决策策略"),
        "strategies": reports.list_strategy_rows(),
        "can_author": can(request.user, "decisions.author"),
    }
    return render(request, "decisions/strategies.html", context)


@require_http_methods(["GET", "POST"])
def strategy_new(request: HttpRequest) -> HttpResponse:
    """A new strategy with a starter draft (one hard rule, one matrix row) to edit."""
    form = NewStrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.create_strategy(acting_user=request.user, **form.cleaned_data)
            draft = services.create_draft(
                strategy,
                definition=grid_forms.starter_definition(),
                acting_user=request.user,
                change_note=_("初始草稿"),
            )
        except DomainError as exc:
            form.add_error(
                "code" if "code" in {p.field for p in exc.problems} else None, exc.message
            )
        else:
            messages.success(request, _("已创建策略和第一个草稿"))
            return redirect("decisions:version", version_id=draft.pk)
    status = 400 if request.method == "POST" else 200
    context = {"page_title": _("新建策略"), "form": form}
    return render(request, "decisions/strategy_new.html", context, status=status)


@require_GET
def strategy_detail(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = _found(lambda: reports.get_strategy(strategy_id))
    versions = list(queries.list_versions(strategy))
    deployment = reports.get_deployment(strategy)
    context = {
        "page_title": strategy.name,
        "strategy": strategy,
        "versions": versions,
        "deployment": deployment,
        "records": reports.recent_records(request.user, strategy),
        "can_approve": can(request.user, "decisions.approve"),
        "can_author": can(request.user, "decisions.author"),
        "challenger_form": ChallengerForm(
            initial={
                "share": deployment.challenger_share if deployment else "0.10",
                "mode": deployment.mode if deployment else "split",
                "challenger": deployment.challenger.number
                if deployment and deployment.challenger
                else None,
            }
        ),
        "publishable": [v for v in versions if v.status in reports.PUBLISHABLE],
    }
    return render(request, "decisions/strategy.html", context)


def _version_context(request: HttpRequest, version: StrategyVersion) -> dict[str, Any]:
    user_id = request.user.pk
    is_author = user_id in {version.author_id, version.submitted_by_id}
    status = version.status
    return {
        "page_title": _("%(strategy)s · 版本 %(n)d")
        % {"strategy": version.strategy.name, "n": version.number},
        "strategy": version.strategy,
        "version": version,
        "steps": grid_forms.describe_steps(version.definition),
        "declared_inputs": version.definition.get("inputs", []),
        "is_draft": status == StrategyVersionStatus.DRAFT,
        "is_author": is_author,
        "can_author": can(request.user, "decisions.author"),
        "can_submit": status == StrategyVersionStatus.DRAFT
        and can(request.user, "decisions.author"),
        # maker-checker: the author never sees the button; the service refuses them as well
        "can_approve": status == StrategyVersionStatus.SUBMITTED
        and not is_author
        and can(request.user, "decisions.approve"),
        "can_publish": status in reports.PUBLISHABLE and can(request.user, "decisions.approve"),
        "is_live": reports.is_live(version),
        "scorecards": reports.usable_scorecards(),
    }


@require_GET
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _found(lambda: queries.get_version(version_id))
    return render(request, "decisions/version.html", _version_context(request, version))


def _act(
    request: HttpRequest, version_id: int, action: Callable[..., Any], done: str
) -> HttpResponse:
    version = _found(lambda: queries.get_version(version_id))
    try:
        action(version, acting_user=request.user)
        messages.success(request, done)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:version", version_id=version.pk)


@require_POST
def submit(request: HttpRequest, version_id: int) -> HttpResponse:
    return _act(request, version_id, services.submit_version, _("已提交复核"))


@require_POST
def approve(request: HttpRequest, version_id: int) -> HttpResponse:
    return _act(request, version_id, services.approve_version, _("已复核通过"))


@require_POST
def return_to_author(request: HttpRequest, version_id: int) -> HttpResponse:
    """The checker sends a submitted version back to its author as a draft."""
    version = _found(lambda: queries.get_version(version_id))
    try:
        services.return_version(
            version, acting_user=request.user, note=str(request.POST.get("note", ""))[:500]
        )
        messages.success(request, _("已退回作者修改"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:version", version_id=version.pk)


@require_POST
def publish(request: HttpRequest, version_id: int) -> HttpResponse:
    """Publishing an older approved or retired version is the rollback."""
    return _act(request, version_id, services.publish_version, _("已发布"))


@require_POST
def new_draft(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _found(lambda: queries.get_version(version_id))
    try:
        draft = services.create_draft(
            version.strategy,
            definition=copy.deepcopy(version.definition),
            acting_user=request.user,
            change_note=_("复制自版本 %(n)d") % {"n": version.number},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("decisions:version", version_id=version.pk)
    messages.success(request, _("已从版本 %(n)d 复制出新草稿") % {"n": version.number})
    return redirect("decisions:version", version_id=draft.pk)


def _deployment(strategy: Strategy) -> StrategyDeployment:
    deployment = reports.get_deployment(strategy)
    if deployment is None:
        raise DomainError(_("请先发布一个冠军版本"))
    return deployment


@require_POST
def set_challenger(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = _found(lambda: reports.get_strategy(strategy_id))
    form = ChallengerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("挑战者设置无效"))
        return redirect("decisions:strategy", strategy_id=strategy.pk)
    try:
        challenger = reports.get_version_by_number(strategy, form.cleaned_data["challenger"])
        services.set_challenger(
            _deployment(strategy),
            challenger=challenger,
            share=form.cleaned_data["share"],
            mode=DeploymentMode(form.cleaned_data["mode"]),
            acting_user=request.user,
        )
        messages.success(request, _("已设置挑战者"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:strategy", strategy_id=strategy.pk)


@require_POST
def clear_challenger(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = _found(lambda: reports.get_strategy(strategy_id))
    try:
        services.set_challenger(
            _deployment(strategy),
            challenger=None,
            share=Decimal(0),
            mode=DeploymentMode.SPLIT,
            acting_user=request.user,
        )
        messages.success(request, _("已取消挑战者"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("decisions:strategy", strategy_id=strategy.pk)


@require_GET
def diff(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = _found(lambda: reports.get_strategy(strategy_id))
    versions = list(queries.list_versions(strategy))
    numbers = [v.number for v in versions]
    try:
        a = int(request.GET.get("a") or (numbers[1] if len(numbers) > 1 else numbers[0]))
        b = int(request.GET.get("b") or numbers[0])
    except (ValueError, IndexError) as exc:
        raise Http404("no versions") from exc
    version_a = _found(lambda: reports.get_version_by_number(strategy, a))
    version_b = _found(lambda: reports.get_version_by_number(strategy, b))
    context = {
        "page_title": _("版本对比"),
        "strategy": strategy,
        "versions": versions,
        "a": version_a,
        "b": version_b,
        "diff": reports.diff_view(
            services.diff_versions(version_a, version_b),
            version_a.definition,
            version_b.definition,
        ),
    }
    return render(request, "decisions/diff.html", context)


# ---- editors ----------------------------------------------------------------------------------


def _problems_of(exc: Exception) -> list[tuple[str, str]]:
    """(where, message) of each problem the services reported (DefinitionError's positions,
    or a DomainError's field problems), or the error itself."""
    problems = getattr(exc, "problems", None) or []
    found = [
        (str(getattr(p, "where", "") or getattr(p, "field", "")), str(p.message)) for p in problems
    ]
    return found or [("", str(getattr(exc, "message", exc)))]


def _step_key(version: StrategyVersion, index: int) -> str:
    return str(version.definition["steps"][index].get("key", ""))


def _step_or_404(read: Callable[[], T]) -> T:
    try:
        return read()
    except grid_forms.StepNotFound as exc:
        raise Http404("no such step") from exc


def _draft(version_id: int) -> StrategyVersion:
    version = _found(lambda: queries.get_version(version_id))
    if version.status != StrategyVersionStatus.DRAFT:
        raise Http404("only drafts are editable")
    return version


def _save(
    request: HttpRequest, version: StrategyVersion, definition: dict[str, Any]
) -> list[tuple[str, str]]:
    try:
        services.update_draft(version, definition=definition, acting_user=request.user)
    except (DomainError, DefinitionError) as exc:
        return _problems_of(exc)
    return []


def _grid_context(
    version: StrategyVersion,
    index: int,
    grid: grid_forms.TableGrid,
    errors: list[grid_forms.CellError],
) -> dict[str, Any]:
    return {
        "strategy": version.strategy,
        "version": version,
        "step_index": index,
        "step_label": grid_forms.describe_steps(version.definition)[index]["label"],
        "action": reverse("decisions:table_edit", args=[version.pk, index]),
        "field_choices": grid_forms.fields_before(version.definition, index),
        **grid_forms.grid_view(grid, errors),
    }


@require_http_methods(["GET", "POST"])
def table_edit(request: HttpRequest, version_id: int, index: int) -> HttpResponse:
    version = _draft(version_id)
    content = _step_or_404(lambda: grid_forms.table_content(version.definition, index))
    errors: list[grid_forms.CellError] = []
    status = 200
    if request.method == "GET":
        grid = grid_forms.grid_from_content(content)
    else:
        grid = grid_forms.grid_from_post(request.POST)
        grid = grid_forms.TableGrid(
            grid.hit_policy,
            grid.inputs,
            grid.outputs,
            grid.rows,
            {
                k: v
                for k, v in content.items()
                if k not in {"hitPolicy", "inputs", "outputs", "rules"}
            },
        )
        operation = str(request.POST.get("op", "save"))
        if operation != "save":
            grid = grid_forms.apply_operation(grid, operation)
            context = _grid_context(version, index, grid, [])
            template = "decisions/_table_grid.html" if request.htmx else "decisions/table_edit.html"  # type: ignore[attr-defined]
            return render(request, template, {"page_title": _("编辑决策表"), **context})
        allowed = set(grid_forms.fields_before(version.definition, index))
        errors = grid_forms.validate_grid(grid, declared_inputs=allowed)
        if not errors:
            definition = grid_forms.with_table(
                version.definition, index, grid_forms.content_from_grid(grid)
            )
            problems = _save(request, version, definition)
            if not problems:
                messages.success(request, _("决策表已保存"))
                return redirect("decisions:version", version_id=version.pk)
            errors = grid_forms.cell_errors_for_step(problems, _step_key(version, index), grid)
        status = 400
    context = {"page_title": _("编辑决策表"), **_grid_context(version, index, grid, errors)}
    return render(request, "decisions/table_edit.html", context, status=status)


@require_POST
def steps_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    """Add a hard-rules or expressions step, remove or move one (drafts only)."""
    version = _draft(version_id)
    operation = str(request.POST.get("op", ""))
    card = str(request.POST.get("scorecard_version", ""))
    definition = grid_forms.with_step_operation(
        copy.deepcopy(version.definition),
        operation,
        scorecard_version=int(card) if card.isdigit() else None,
    )
    problems = _save(request, version, definition)
    if problems:
        messages.error(request, "; ".join(f"{w}: {m}" if w else m for w, m in problems[:3]))
    else:
        messages.success(request, _("步骤已更新"))
    return redirect("decisions:version", version_id=version.pk)


@require_http_methods(["GET", "POST"])
def expressions_edit(request: HttpRequest, version_id: int, index: int) -> HttpResponse:
    version = _draft(version_id)
    entries = _step_or_404(lambda: grid_forms.expression_entries(version.definition, index))
    text = grid_forms.expressions_to_text(entries)
    problems: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        text = str(request.POST.get("expressions", ""))
        parsed, problems = grid_forms.expressions_from_text(text)
        if not problems:
            definition = grid_forms.with_expressions(version.definition, index, parsed)
            saved = _save(request, version, definition)
            if not saved:
                messages.success(request, _("表达式已保存"))
                return redirect("decisions:version", version_id=version.pk)
            problems = [(0, f"{where}: {message}") for where, message in saved]
        status = 400
    context = {
        "page_title": _("编辑表达式"),
        "strategy": version.strategy,
        "version": version,
        "step_label": grid_forms.describe_steps(version.definition)[index]["label"],
        "text": text,
        "problems": problems,
        "line_count": max(6, text.count("\n") + 3),
    }
    return render(request, "decisions/expressions_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def inputs_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _draft(version_id)
    declared: list[dict[str, Any]] = list(version.definition.get("inputs", []))
    errors: list[grid_forms.CellError] = []
    status = 200
    if request.method == "POST":
        declared, errors = grid_forms.inputs_from_post(request.POST)
        if request.POST.get("op") == "add":
            declared.append({"name": "", "type": "number", "required": False, "on_missing": "fail"})
            errors = []
        elif not errors:
            definition = {**copy.deepcopy(version.definition), "inputs": declared}
            problems = _save(request, version, definition)
            if not problems:
                messages.success(request, _("输入声明已保存"))
                return redirect("decisions:version", version_id=version.pk)
            errors = [grid_forms.CellError(None, "", None, f"{w}: {m}") for w, m in problems]
        if errors:
            status = 400
    rows_in_error = {e.row for e in errors}
    context = {
        "page_title": _("编辑输入声明"),
        "strategy": version.strategy,
        "version": version,
        "rows": [{**d, "index": i, "error": i in rows_in_error} for i, d in enumerate(declared)],
        "errors": errors,
        "types": grid_forms.INPUT_TYPES,
        "on_missing_choices": grid_forms.ON_MISSING_LABELS,
    }
    return render(request, "decisions/inputs_edit.html", context, status=status)


# ---- test panel and decision records ------------------------------------------------------


def _test_inputs(
    request: HttpRequest, form: TestPanelForm, compiled: CompiledStrategy
) -> dict[str, Any]:
    """The declared inputs as a pre-screen would build them: from the application (within the
    caller's data scope) or from the sample JSON, enriched with list hits and bureau data."""
    application_id = form.cleaned_data["application_id"]
    if application_id:
        application = queries.get_application_for_user(request.user, application_id)
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
    version = _found(lambda: queries.get_version(version_id))
    sample = json.dumps(grid_forms.sample_input(version.definition), ensure_ascii=False, indent=2)
    form = TestPanelForm(request.POST or None, initial={"sample": sample})
    trace: dict[str, Any] | None = None
    inputs: dict[str, Any] = {}
    problem = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            compiled = services.compile_version(version)
            inputs = _test_inputs(request, form, compiled)
            trace = reports.trace_view(version.definition, compiled.evaluate(inputs))
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
    record = _found(lambda: queries.get_record_for_user(request.user, record_uuid))
    context = {
        "page_title": _("决策记录"),
        "record": record,
        "strategy": record.strategy_version.strategy,
        "view": reports.record_view(record),
    }
    return render(request, "decisions/record.html", context)


# ---- champion/challenger report and simulation --------------------------------------------


@require_GET
def report(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = _found(lambda: reports.get_strategy(strategy_id))
    data = reports.champion_challenger_report(request.user, strategy)
    context = {
        "page_title": _("冠军/挑战者对比"),
        "strategy": strategy,
        **reports.report_view(data),
    }
    return render(request, "decisions/report.html", context)


@require_http_methods(["GET", "POST"])
def simulations(request: HttpRequest, strategy_id: int) -> HttpResponse:
    strategy = _found(lambda: reports.get_strategy(strategy_id))
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
    strategy = _found(lambda: reports.get_strategy(strategy_id))
    context = {
        "page_title": _("策略模拟"),
        "strategy": strategy,
        "job": reports.job_view(_job(strategy, job_id)),
        "job_id": job_id,
    }
    return render(request, "decisions/simulation.html", context)


@require_GET
def simulation_progress(request: HttpRequest, strategy_id: int, job_id: str) -> HttpResponse:
    strategy = _found(lambda: reports.get_strategy(strategy_id))
    context = {
        "strategy": strategy,
        "job": reports.job_view(_job(strategy, job_id)),
        "job_id": job_id,
    }
    return render(request, "decisions/_simulation_progress.html", context)
