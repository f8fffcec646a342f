"""The strategy editors: decision tables, steps, expressions and declared inputs (drafts only)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lendcrm.core.errors import DomainError
from lendcrm.decisions import (
    queries,
    services,
    strategy_steps,
    table_grid,
)
from lendcrm.decisions.choices import StrategyVersionStatus
from lendcrm.decisions.engine import DefinitionError
from lendcrm.decisions.models import StrategyVersion
from lendcrm.decisions.views.common import found

T = TypeVar("T")


def _problems_of(exc: Exception) -> list[tuple[str, str]]:
    """(where, message) of each problem the services reported (DefinitionError's positions,
    or a DomainError's field problems), or the error itself."""
    problems = getattr(exc, "problems", None) or []
    listed = [
        (str(getattr(p, "where", "") or getattr(p, "field", "")), str(p.message)) for p in problems
    ]
    return listed or [("", str(getattr(exc, "message", exc)))]


def _step_key(version: StrategyVersion, index: int) -> str:
    return str(version.definition["steps"][index].get("key", ""))


def _step_or_404(read: Callable[[], T]) -> T:
    try:
        return read()
    except strategy_steps.StepNotFound as exc:
        raise Http404("no such step") from exc


def _draft(version_id: int) -> StrategyVersion:
    version = found(lambda: queries.get_version(version_id))
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
    grid: table_grid.TableGrid,
    errors: list[table_grid.CellError],
) -> dict[str, Any]:
    return {
        "strategy": version.strategy,
        "version": version,
        "step_index": index,
        "step_label": strategy_steps.describe_steps(version.definition)[index]["label"],
        "action": reverse("decisions:table_edit", args=[version.pk, index]),
        "field_choices": strategy_steps.fields_before(version.definition, index),
        **table_grid.grid_view(grid, errors),
    }


@require_http_methods(["GET", "POST"])
def table_edit(request: HttpRequest, version_id: int, index: int) -> HttpResponse:
    version = _draft(version_id)
    content = _step_or_404(lambda: strategy_steps.table_content(version.definition, index))
    errors: list[table_grid.CellError] = []
    status = 200
    if request.method == "GET":
        grid = table_grid.grid_from_content(content)
    else:
        grid = table_grid.grid_from_post(request.POST)
        grid = table_grid.TableGrid(
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
            grid = table_grid.apply_operation(grid, operation)
            context = _grid_context(version, index, grid, [])
            template = "decisions/_table_grid.html" if request.htmx else "decisions/table_edit.html"  # type: ignore[attr-defined]
            return render(request, template, {"page_title": _("编辑决策表"), **context})
        allowed = set(strategy_steps.fields_before(version.definition, index))
        errors = table_grid.validate_grid(grid, declared_inputs=allowed)
        if not errors:
            definition = strategy_steps.with_table(
                version.definition, index, table_grid.content_from_grid(grid)
            )
            problems = _save(request, version, definition)
            if not problems:
                messages.success(request, _("决策表已保存"))
                return redirect("decisions:version", version_id=version.pk)
            errors = strategy_steps.cell_errors_for_step(problems, _step_key(version, index), grid)
        status = 400
    context = {"page_title": _("编辑决策表"), **_grid_context(version, index, grid, errors)}
    return render(request, "decisions/table_edit.html", context, status=status)


@require_POST
def steps_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    """Add a hard-rules or expressions step, remove or move one (drafts only)."""
    version = _draft(version_id)
    operation = str(request.POST.get("op", ""))
    card = str(request.POST.get("scorecard_version", ""))
    definition = strategy_steps.with_step_operation(
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
    entries = _step_or_404(lambda: strategy_steps.expression_entries(version.definition, index))
    text = strategy_steps.expressions_to_text(entries)
    problems: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        text = str(request.POST.get("expressions", ""))
        parsed, problems = strategy_steps.expressions_from_text(text)
        if not problems:
            definition = strategy_steps.with_expressions(version.definition, index, parsed)
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
        "step_label": strategy_steps.describe_steps(version.definition)[index]["label"],
        "text": text,
        "problems": problems,
        "line_count": max(6, text.count("\n") + 3),
    }
    return render(request, "decisions/expressions_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def inputs_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _draft(version_id)
    declared: list[dict[str, Any]] = list(version.definition.get("inputs", []))
    errors: list[table_grid.CellError] = []
    status = 200
    if request.method == "POST":
        declared, errors = strategy_steps.inputs_from_post(request.POST)
        if request.POST.get("op") == "add":
            declared.append({"name": "", "type": "number", "required": False, "on_missing": "fail"})
            errors = []
        elif not errors:
            definition = {**copy.deepcopy(version.definition), "inputs": declared}
            problems = _save(request, version, definition)
            if not problems:
                messages.success(request, _("输入声明已保存"))
                return redirect("decisions:version", version_id=version.pk)
            errors = [table_grid.CellError(None, "", None, f"{w}: {m}") for w, m in problems]
        if errors:
            status = 400
    rows_in_error = {e.row for e in errors}
    context = {
        "page_title": _("编辑输入声明"),
        "strategy": version.strategy,
        "version": version,
        "rows": [{**d, "index": i, "error": i in rows_in_error} for i, d in enumerate(declared)],
        "errors": errors,
        "types": strategy_steps.INPUT_TYPES,
        "on_missing_choices": strategy_steps.ON_MISSING_LABELS,
    }
    return render(request, "decisions/inputs_edit.html", context, status=status)
