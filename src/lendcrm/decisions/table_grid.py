"""The decision-table grid of the strategy editor, as plain data.

A `TableGrid` is converted to and from a GoRules JDM decisionTableNode `content` and to and
from the posted form fields, so that the editor works as a pure function of the posted grid:
HTMX row/column operations re-render it without saving, "save" hands the rebuilt definition to
the services, which validate and store it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

import zen
from django.utils.translation import gettext as _

HIT_POLICIES: Final = ("first", "collect")
ANY: Final = "-"
MAX_COLUMNS: Final = 30
MAX_ROWS: Final = 500
_ZEN_SOURCE: Final = re.compile(r'"source":"((?:[^"\\]|\\.)*)"')
# Keys of the JDM content the grid does not edit, kept as they were.
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


def posted_count(data: Mapping[str, Any], key: str, limit: int) -> int:
    """The integer form field `key`, clamped to 0..limit (0 when missing or not a number)."""
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
    inputs = _columns(data, "in", posted_count(data, "in_count", MAX_COLUMNS))
    outputs = _columns(data, "out", posted_count(data, "out_count", MAX_COLUMNS))
    rows = tuple(
        Row(
            id=str(data.get(f"row-{r}-id") or new_id("r")),
            inputs=tuple(str(data.get(f"cell-{r}-in-{i}", "")) for i in range(len(inputs))),
            outputs=tuple(str(data.get(f"cell-{r}-out-{j}", "")) for j in range(len(outputs))),
            description=str(data.get(f"row-{r}-description", "")).strip(),
        )
        for r in range(posted_count(data, "row_count", MAX_ROWS))
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
