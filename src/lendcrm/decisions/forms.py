"""Forms of the strategy pages: the decision-table grid, expression lines and declared inputs.

The grid is plain data (`TableGrid`) converted to and from a GoRules JDM decisionTableNode
`content` and to and from the posted form fields, so that the editor works as a pure function
of the posted grid: HTMX row/column operations re-render it without saving, "save" hands the
rebuilt definition to the services, which validate and store it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import zen
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HIT_POLICIES: Final = ("first", "collect")
INPUT_TYPES: Final = ("number", "string", "boolean", "date")
ON_MISSING: Final = ("manual_review", "reject")
ANY: Final = "-"
MAX_COLUMNS: Final = 30
MAX_ROWS: Final = 500
# Keys of the JDM content the grid does not edit, kept as they were.
_EXPRESSION_LINE: Final = re.compile(r"^(?P<key>[A-Za-z_][\w.]*)\s*[=:](?!=)\s*(?P<expression>.+)$")
_INPUT_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_ZEN_SOURCE: Final = re.compile(r'"source":"((?:[^"\\]|\\.)*)"')
_GRID_KEYS: Final = frozenset({"hitPolicy", "inputs", "outputs", "rules"})


def new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Column:
    id: str
    name: str
    field: str


@dataclass(frozen=True)
class Row:
    id: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class TableGrid:
    hit_policy: str
    inputs: tuple[Column, ...]
    outputs: tuple[Column, ...]
    rows: tuple[Row, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CellError:
    """A problem at a position: row is None for a column header, column None for the row."""

    row: int | None
    kind: str  # "in", "out" or "" (the table itself)
    column: int | None
    message: str

    def position(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("第 %(n)d 行") % {"n": self.row + 1})
        if self.column is not None:
            label = _("条件列") if self.kind == "in" else _("结果列")
            parts.append(f"{label} {self.column + 1}")
        return " · ".join(parts)


# ---- JDM content ⇄ grid ------------------------------------------------------------------------


def _cell_to_text(value: Any) -> str:
    return "" if value is None else str(value)


def grid_from_content(content: Mapping[str, Any]) -> TableGrid:
    inputs = tuple(
        Column(str(c.get("id") or new_id("i")), str(c.get("name", "")), str(c.get("field", "")))
        for c in content.get("inputs", [])
    )
    outputs = tuple(
        Column(str(c.get("id") or new_id("o")), str(c.get("name", "")), str(c.get("field", "")))
        for c in content.get("outputs", [])
    )
    rows = tuple(
        Row(
            id=str(rule.get("_id") or new_id("r")),
            inputs=tuple(_cell_to_text(rule.get(c.id)) for c in inputs),
            outputs=tuple(_cell_to_text(rule.get(c.id)) for c in outputs),
            description=str(rule.get("_description", "")),
        )
        for rule in content.get("rules", [])
    )
    extra = {k: v for k, v in content.items() if k not in _GRID_KEYS}
    return TableGrid(str(content.get("hitPolicy", "first")), inputs, outputs, rows, extra)


def normalise_test(text: str) -> str:
    """An input cell as JDM stores it: "-" and blank both mean "any value"."""
    text = text.strip()
    return "" if text == ANY else text


def content_from_grid(grid: TableGrid) -> dict[str, Any]:
    rules = []
    for row in grid.rows:
        rule: dict[str, Any] = {"_id": row.id}
        if row.description:
            rule["_description"] = row.description
        for column, text in zip(grid.inputs, row.inputs, strict=True):
            rule[column.id] = normalise_test(text)
        for column, text in zip(grid.outputs, row.outputs, strict=True):
            rule[column.id] = text.strip()
        rules.append(rule)
    return {
        **grid.extra,
        "hitPolicy": grid.hit_policy,
        "inputs": [{"id": c.id, "name": c.name, "field": c.field} for c in grid.inputs],
        "outputs": [{"id": c.id, "name": c.name, "field": c.field} for c in grid.outputs],
        "rules": rules,
    }


# ---- posted form fields ⇄ grid -----------------------------------------------------------------


def _count(data: Mapping[str, Any], key: str, limit: int) -> int:
    try:
        return max(0, min(int(data.get(key, 0)), limit))
    except (TypeError, ValueError):
        return 0


def _columns(data: Mapping[str, Any], kind: str, count: int) -> tuple[Column, ...]:
    return tuple(
        Column(
            str(data.get(f"{kind}-{i}-id") or new_id(kind[0])),
            str(data.get(f"{kind}-{i}-name", "")).strip(),
            str(data.get(f"{kind}-{i}-field", "")).strip(),
        )
        for i in range(count)
    )


def grid_from_post(data: Mapping[str, Any]) -> TableGrid:
    """The grid the editor posted (field names as `templates/decisions/_table_grid.html`)."""
    inputs = _columns(data, "in", _count(data, "in_count", MAX_COLUMNS))
    outputs = _columns(data, "out", _count(data, "out_count", MAX_COLUMNS))
    rows = tuple(
        Row(
            id=str(data.get(f"row-{r}-id") or new_id("r")),
            inputs=tuple(str(data.get(f"cell-{r}-in-{i}", "")) for i in range(len(inputs))),
            outputs=tuple(str(data.get(f"cell-{r}-out-{j}", "")) for j in range(len(outputs))),
            description=str(data.get(f"row-{r}-description", "")).strip(),
        )
        for r in range(_count(data, "row_count", MAX_ROWS))
    )
    hit_policy = str(data.get("hit_policy", "first"))
    extra: dict[str, Any] = {}
    return TableGrid(hit_policy, inputs, outputs, rows, extra)


# ---- row and column operations (pure) ---------------------------------------------------------


def add_row(grid: TableGrid, *, after: int | None = None) -> TableGrid:
    row = Row(new_id("r"), ("",) * len(grid.inputs), ("",) * len(grid.outputs))
    rows = list(grid.rows)
    rows.insert(len(rows) if after is None else after + 1, row)
    return replace(grid, rows=tuple(rows))


def remove_row(grid: TableGrid, index: int) -> TableGrid:
    if not 0 <= index < len(grid.rows):
        return grid
    return replace(grid, rows=grid.rows[:index] + grid.rows[index + 1 :])


def move_row(grid: TableGrid, index: int, delta: int) -> TableGrid:
    target = index + delta
    if not (0 <= index < len(grid.rows) and 0 <= target < len(grid.rows)):
        return grid
    rows = list(grid.rows)
    rows[index], rows[target] = rows[target], rows[index]
    return replace(grid, rows=tuple(rows))


def add_column(grid: TableGrid, kind: str) -> TableGrid:
    if kind == "in":
        column = Column(new_id("i"), "", "")
        rows = tuple(replace(r, inputs=(*r.inputs, "")) for r in grid.rows)
        return replace(grid, inputs=(*grid.inputs, column), rows=rows)
    column = Column(new_id("o"), "", "")
    rows = tuple(replace(r, outputs=(*r.outputs, "")) for r in grid.rows)
    return replace(grid, outputs=(*grid.outputs, column), rows=rows)


def remove_column(grid: TableGrid, kind: str, index: int) -> TableGrid:
    def drop(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return values[:index] + values[index + 1 :]

    if kind == "in" and 0 <= index < len(grid.inputs):
        rows = tuple(replace(r, inputs=drop(r.inputs)) for r in grid.rows)
        return replace(grid, inputs=drop(grid.inputs), rows=rows)
    if kind == "out" and 0 <= index < len(grid.outputs):
        rows = tuple(replace(r, outputs=drop(r.outputs)) for r in grid.rows)
        return replace(grid, outputs=drop(grid.outputs), rows=rows)
    return grid


def apply_operation(grid: TableGrid, operation: str) -> TableGrid:
    """`op` values of the editor's buttons: add_row, add_row:2, remove_row:2, up:2, down:2,
    add_in, add_out, remove_in:1, remove_out:0. Anything else leaves the grid unchanged."""
    name, _sep, argument = operation.partition(":")
    index = int(argument) if argument.isdigit() else None
    if name == "add_row":
        return add_row(grid, after=index)
    if name in {"add_in", "add_out"}:
        return add_column(grid, name.removeprefix("add_"))
    if index is None:
        return grid
    if name == "remove_row":
        return remove_row(grid, index)
    if name in {"up", "down"}:
        return move_row(grid, index, -1 if name == "up" else 1)
    if name in {"remove_in", "remove_out"}:
        return remove_column(grid, name.removeprefix("remove_"), index)
    return grid


# ---- validation -------------------------------------------------------------------------------


def _parse_problem(exc: Exception) -> str:
    """zen raises RuntimeError('{"type":"parserError","source":"..."}' + a backtrace)."""
    first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    match = _ZEN_SOURCE.search(first)
    return _("无法解析：%(detail)s") % {"detail": (match[1] if match else first)[:200]}


def check_unary_test(text: str) -> str | None:
    """None when the cell is a valid unary test (blank and "-" are "any"), else a message."""
    text = normalise_test(text)
    if not text:
        return None
    try:
        zen.compile_unary_expression(text)
    except Exception as exc:  # the engine raises RuntimeError with a JSON parser message
        return _parse_problem(exc)
    return None


def check_expression(text: str) -> str | None:
    text = text.strip()
    if not text:
        return _("不能为空")
    try:
        zen.compile_expression(text)
    except Exception as exc:
        return _parse_problem(exc)
    return None


def _check_columns(
    columns: tuple[Column, ...], kind: str, allowed_fields: set[str] | None
) -> list[CellError]:
    errors = []
    seen: set[str] = set()
    for index, column in enumerate(columns):
        if not column.field:
            errors.append(CellError(None, kind, index, _("请填写字段")))
        elif column.field in seen:
            errors.append(CellError(None, kind, index, _("字段重复：%(f)s") % {"f": column.field}))
        elif (
            kind == "in"
            and allowed_fields is not None
            and column.field.split(".")[0] not in allowed_fields
        ):
            message = _("字段 %(f)s 不在声明的输入中") % {"f": column.field}
            errors.append(CellError(None, kind, index, message))
        seen.add(column.field)
    return errors


def validate_grid(grid: TableGrid, *, declared_inputs: set[str] | None = None) -> list[CellError]:
    """Every problem the analyst can fix in the grid, each with its row and column.

    Input columns may also name fields computed by earlier steps (`allowed`), so callers pass
    the declared inputs plus those; None skips that check."""
    errors: list[CellError] = []
    if grid.hit_policy not in HIT_POLICIES:
        errors.append(CellError(None, "", None, _("命中策略无效")))
    if not grid.outputs:
        errors.append(CellError(None, "out", None, _("至少需要一个结果列")))
    errors += _check_columns(grid.inputs, "in", declared_inputs)
    errors += _check_columns(grid.outputs, "out", None)
    for r, row in enumerate(grid.rows):
        for i, text in enumerate(row.inputs):
            if problem := check_unary_test(text):
                errors.append(CellError(r, "in", i, problem))
        for j, text in enumerate(row.outputs):
            if text.strip() and (problem := check_expression(text)):
                errors.append(CellError(r, "out", j, problem))
    return errors


def error_map(errors: list[CellError]) -> dict[str, str]:
    """Messages keyed as the template looks them up: "r-in-c", "h-out-c", "r"."""
    keyed: dict[str, str] = {}
    for error in errors:
        row = "h" if error.row is None else str(error.row)
        key = f"{row}-{error.kind}-{error.column}" if error.column is not None else row
        keyed.setdefault(key, error.message)
    return keyed


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
    for r in range(_count(data, "input_count", MAX_ROWS)):
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


class NewStrategyForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("策略代码"), max_length=40)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    product_code = forms.CharField(label=gettext_lazy("产品代码"), max_length=40, required=False)
    description = forms.CharField(
        label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ChallengerForm(forms.Form):
    challenger = forms.IntegerField(label=gettext_lazy("挑战者版本号"), min_value=1)
    share = forms.DecimalField(
        label=gettext_lazy("流量占比"), min_value=0, max_value=1, decimal_places=2, initial=0.1
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("模式"),
        choices=[("split", gettext_lazy("分流")), ("shadow", gettext_lazy("影子"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class TestPanelForm(forms.Form):
    sample = forms.CharField(
        label=gettext_lazy("样例输入（JSON）"),
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
        required=False,
    )
    application_id = forms.IntegerField(
        label=gettext_lazy("或进件 ID"), required=False, min_value=1
    )


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


def grid_view(grid: TableGrid, errors: list[CellError]) -> dict[str, Any]:
    """What `_table_grid.html` renders: headers and rows with each cell's name and problem."""
    keyed = error_map(errors)

    def headers(kind: str, columns: tuple[Column, ...]) -> list[dict[str, Any]]:
        return [
            {"id": c.id, "name": c.name, "field": c.field, "error": keyed.get(f"h-{kind}-{i}")}
            for i, c in enumerate(columns)
        ]

    rows = []
    for r, row in enumerate(grid.rows):
        cells = [
            {
                "kind": kind,
                "column": i,
                "name": f"cell-{r}-{kind}-{i}",
                "value": value,
                "label": (columns[i].name or columns[i].field),
                "error": keyed.get(f"{r}-{kind}-{i}"),
            }
            for kind, values, columns in (
                ("in", row.inputs, grid.inputs),
                ("out", row.outputs, grid.outputs),
            )
            for i, value in enumerate(values)
        ]
        rows.append(
            {
                "index": r,
                "id": row.id,
                "description": row.description,
                "cells": cells,
                "error": keyed.get(str(r)),
            }
        )
    problems = [
        {
            "key": f"{'h' if e.row is None else e.row}-{e.kind}-{e.column}",
            "position": e.position(),
            "message": e.message,
        }
        for e in errors
    ]
    return {
        "grid": grid,
        "in_headers": headers("in", grid.inputs),
        "out_headers": headers("out", grid.outputs),
        "rows": rows,
        "problems": problems,
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
