"""The strategy document's steps as the editor pages show and edit them: expression lines,
declared inputs, step lists and the starter document of a new strategy."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lendcrm.decisions.table_grid import (
    MAX_ROWS,
    CellError,
    TableGrid,
    check_expression,
    grid_from_content,
    grid_view,
    new_id,
    posted_count,
)

INPUT_TYPES: Final = ("number", "string", "boolean", "date")
ON_MISSING: Final = ("manual_review", "reject")
_EXPRESSION_LINE: Final = re.compile(r"^(?P<key>[A-Za-z_][\w.]*)\s*[=:](?!=)\s*(?P<expression>.+)$")
_INPUT_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


# ---- expression steps and declared inputs ---------------------------------------------------


def expressions_from_text(text: str) -> tuple[list[dict[str, str]], list[tuple[int, str]]]:
    """`key = expression` lines (or `key: expression`) → JDM expressionNode entries, and the
    problems as (line number from 1, message)."""
    entries: list[dict[str, str]] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _EXPRESSION_LINE.match(line)
        if match is None:
            problems.append((number, _("应为「名称 = 表达式」")))
            continue
        key, expression = match["key"], match["expression"].strip()
        if problem := check_expression(expression):
            problems.append((number, problem))
            continue
        entries.append({"id": f"e{number}", "key": key, "value": expression})
    return entries, problems


def expressions_to_text(entries: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(f"{e.get('key', '')} = {e.get('value', '')}" for e in entries)


def inputs_from_post(data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[CellError]]:
    """Declared inputs from the inputs editor: name, type, required, on_missing."""
    declared: list[dict[str, Any]] = []
    errors: list[CellError] = []
    seen: set[str] = set()
    for r in range(posted_count(data, "input_count", MAX_ROWS)):
        if data.get(f"input-{r}-delete"):
            continue
        name = str(data.get(f"input-{r}-name", "")).strip()
        if not name:
            continue
        kind = str(data.get(f"input-{r}-type", "number"))
        on_missing = str(data.get(f"input-{r}-on_missing", "manual_review"))
        if not _INPUT_NAME.match(name) or name in seen:
            errors.append(CellError(r, "", None, _("名称无效或重复：%(n)s") % {"n": name}))
        if kind not in INPUT_TYPES:
            errors.append(CellError(r, "", None, _("类型无效")))
        if on_missing not in ON_MISSING:
            errors.append(CellError(r, "", None, _("缺失处理无效")))
        seen.add(name)
        entry: dict[str, Any] = {
            "name": name,
            "type": kind,
            "required": bool(data.get(f"input-{r}-required")),
            "on_missing": on_missing,
        }
        declared.append(entry)
    return declared, errors


# ---- the strategy document's steps, as the pages show and edit them --------------------------

TABLE_STEPS: Final = ("hard_rules", "decision_matrix")
STEP_LABELS: Final = {
    "hard_rules": gettext_lazy("硬规则"),
    "expressions": gettext_lazy("衍生变量"),
    "scorecard": gettext_lazy("评分卡"),
    "decision_matrix": gettext_lazy("决策矩阵"),
}
ON_MISSING_LABELS: Final = (
    ("manual_review", gettext_lazy("转人工")),
    ("reject", gettext_lazy("拒绝")),
)
_WHERE: Final = re.compile(
    r"^step (?P<key>[^,]+)(?:, row (?P<row>\d+))?(?:, column (?P<column>.+))?$"
)
_SAMPLE_VALUES: Final = {"number": 0, "string": "", "boolean": False, "date": "2026-01-01"}


class StepNotFound(LookupError):
    pass


def _step(definition: Mapping[str, Any], index: int, kinds: tuple[str, ...]) -> Mapping[str, Any]:
    steps = definition.get("steps") or []
    if not 0 <= index < len(steps) or steps[index].get("type") not in kinds:
        raise StepNotFound(index)
    step: Mapping[str, Any] = steps[index]
    return step


def describe_steps(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each step with its position, label and, for tables, the grid to show read-only."""
    described = []
    for index, step in enumerate(definition.get("steps") or []):
        kind = str(step.get("type", ""))
        label = f"{index + 1}. {STEP_LABELS.get(kind, kind)} · {step.get('key', '')}"
        entry: dict[str, Any] = {
            "index": index,
            "kind": kind,
            "key": step.get("key"),
            "label": label,
        }
        if kind in TABLE_STEPS:
            entry["grid"] = grid_view(grid_from_content(step.get("table") or {}), [])
            entry["hit_policy"] = (step.get("table") or {}).get("hitPolicy", "")
        elif kind == "expressions":
            entry["expressions"] = list(step.get("expressions") or [])
        elif kind == "scorecard":
            entry["scorecard_version"] = step.get("scorecard_version")
        described.append(entry)
    return described


def table_content(definition: Mapping[str, Any], index: int) -> dict[str, Any]:
    return dict(_step(definition, index, TABLE_STEPS).get("table") or {})


def expression_entries(definition: Mapping[str, Any], index: int) -> list[dict[str, Any]]:
    return list(_step(definition, index, ("expressions",)).get("expressions") or [])


def _with_step(definition: Mapping[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    steps = [dict(s) for s in definition.get("steps") or []]
    steps[index] = {**steps[index], **changes}
    return {**definition, "steps": steps}


def with_table(definition: Mapping[str, Any], index: int, table: dict[str, Any]) -> dict[str, Any]:
    _step(definition, index, TABLE_STEPS)
    return _with_step(definition, index, table=table)


def with_expressions(
    definition: Mapping[str, Any], index: int, entries: list[dict[str, str]]
) -> dict[str, Any]:
    _step(definition, index, ("expressions",))
    return _with_step(definition, index, expressions=entries)


def fields_before(definition: Mapping[str, Any], index: int) -> list[str]:
    """Names a table at `index` may test: declared inputs, earlier features, the score."""
    names = [str(spec.get("name")) for spec in definition.get("inputs") or []]
    for step in (definition.get("steps") or [])[:index]:
        if step.get("type") == "expressions":
            names += [str(e.get("key")) for e in step.get("expressions") or []]
        elif step.get("type") == "scorecard":
            names.append("score")
    return list(dict.fromkeys(names))


def sample_input(definition: Mapping[str, Any]) -> dict[str, Any]:
    return {
        str(spec["name"]): _SAMPLE_VALUES.get(str(spec.get("type")), "")
        for spec in definition.get("inputs") or []
        if isinstance(spec, Mapping) and "name" in spec
    }


def cell_errors_for_step(
    problems: list[tuple[str, str]], step_key: str, grid: TableGrid
) -> list[CellError]:
    """The services' problems ("step <key>, row <n>, column <field>") placed on the grid;
    problems elsewhere in the document are listed without a position."""
    errors = []
    for where, message in problems:
        match = _WHERE.match(where)
        if match is None or match["key"] != step_key:
            errors.append(CellError(None, "", None, f"{where}: {message}"))
            continue
        row = int(match["row"]) - 1 if match["row"] else None
        kind, column = "", None
        if match["column"]:
            fields_in = [c.field for c in grid.inputs]
            fields_out = [c.field for c in grid.outputs]
            if match["column"] in fields_in:
                kind, column = "in", fields_in.index(match["column"])
            elif match["column"] in fields_out:
                kind, column = "out", fields_out.index(match["column"])
        errors.append(CellError(row, kind, column, message))
    return errors


def starter_definition() -> dict[str, Any]:
    """The first draft of a new strategy: one declared input, a hard rule and a matrix row
    sending everything to manual review, for the analyst to edit."""
    return {
        "format": "lendcrm-strategy",
        "format_version": 1,
        "inputs": [{"name": "age", "type": "number", "required": True, "on_missing": "reject"}],
        "steps": [
            {
                "key": "hard",
                "type": "hard_rules",
                "table": {
                    "hitPolicy": "collect",
                    "inputs": [{"id": "h_age", "name": "年龄", "field": "age"}],
                    "outputs": [
                        {"id": "h_reason", "name": "原因码", "field": "reason_code"},
                        {"id": "h_action", "name": "动作", "field": "action"},
                    ],
                    "rules": [
                        {
                            "_id": "underage",
                            "h_age": "< 18",
                            "h_reason": '"HR01"',
                            "h_action": '"decline"',
                        }
                    ],
                },
            },
            {
                "key": "matrix",
                "type": "decision_matrix",
                "table": {
                    "hitPolicy": "first",
                    "inputs": [{"id": "m_age", "name": "年龄", "field": "age"}],
                    "outputs": [
                        {"id": "m_outcome", "name": "结果", "field": "outcome"},
                        {"id": "m_limit", "name": "额度", "field": "limit"},
                        {"id": "m_tier", "name": "定价档位", "field": "pricing_tier"},
                    ],
                    "rules": [
                        {
                            "_id": "default",
                            "m_age": "",
                            "m_outcome": '"manual_review"',
                            "m_limit": "0",
                            "m_tier": '""',
                        }
                    ],
                },
            },
        ],
    }


def _unique_key(definition: Mapping[str, Any], base: str) -> str:
    taken = {str(s.get("key")) for s in definition.get("steps") or []}
    taken |= {str(i.get("name")) for i in definition.get("inputs") or []}
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _new_step(definition: Mapping[str, Any], kind: str) -> dict[str, Any]:
    first_input = next((str(i.get("name")) for i in definition.get("inputs") or []), "age")
    if kind == "expressions":
        key = _unique_key(definition, "features")
        return {
            "key": key,
            "type": "expressions",
            "expressions": [{"id": "e1", "key": f"{key}_value", "value": first_input}],
        }
    key = _unique_key(definition, "rules")
    return {
        "key": key,
        "type": "hard_rules",
        "table": {
            "hitPolicy": "collect",
            "inputs": [{"id": new_id("i"), "name": first_input, "field": first_input}],
            "outputs": [
                {"id": "o_reason", "name": "原因码", "field": "reason_code"},
                {"id": "o_action", "name": "动作", "field": "action"},
            ],
            "rules": [{"_id": new_id("r"), "o_reason": '"HR99"', "o_action": '"manual_review"'}],
        },
    }


def with_step_operation(
    definition: Mapping[str, Any], operation: str, *, scorecard_version: int | None = None
) -> dict[str, Any]:
    """`add:hard_rules` / `add:expressions` / `add:scorecard` (inserted before the decision
    matrix), `scorecard:<i>` (point step i at `scorecard_version`), `remove:<i>`, `up:<i>`,
    `down:<i>`. The decision matrix is never removed here."""
    steps = [dict(s) for s in definition.get("steps") or []]
    name, _sep, argument = operation.partition(":")
    at = next((i for i, s in enumerate(steps) if s.get("type") == "decision_matrix"), len(steps))
    if name == "add" and argument in {"hard_rules", "expressions"}:
        steps.insert(at, _new_step(definition, argument))
    elif name == "add" and argument == "scorecard" and scorecard_version is not None:
        key = _unique_key(definition, "score")
        steps.insert(at, {"key": key, "type": "scorecard", "scorecard_version": scorecard_version})
    elif (
        name == "scorecard"
        and argument.isdigit()
        and int(argument) < len(steps)
        and steps[int(argument)].get("type") == "scorecard"
        and scorecard_version is not None
    ):
        steps[int(argument)]["scorecard_version"] = scorecard_version
    elif argument.isdigit() and int(argument) < len(steps):
        index = int(argument)
        if name == "remove" and steps[index].get("type") != "decision_matrix":
            steps.pop(index)
        elif name in {"up", "down"}:
            target = index - 1 if name == "up" else index + 1
            if 0 <= target < len(steps):
                steps[index], steps[target] = steps[target], steps[index]
    return {**definition, "steps": steps}
