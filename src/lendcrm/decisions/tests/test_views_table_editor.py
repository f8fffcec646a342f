"""The decision-table editor's pure core: JDM content ⇄ grid ⇄ posted fields, operations, checks."""

from __future__ import annotations

from typing import Any

from lendcrm.decisions.strategy_steps import (
    expressions_from_text,
    expressions_to_text,
    inputs_from_post,
)
from lendcrm.decisions.table_grid import (
    CellError,
    apply_operation,
    content_from_grid,
    error_map,
    grid_from_content,
    grid_from_post,
    validate_grid,
)

CONTENT: dict[str, Any] = {
    "hitPolicy": "collect",
    "inputs": [
        {"id": "i_age", "name": "年龄", "field": "age"},
        {"id": "i_city", "name": "城市", "field": "city"},
    ],
    "outputs": [
        {"id": "o_reason", "name": "原因码", "field": "reason_code"},
        {"id": "o_action", "name": "动作", "field": "action"},
    ],
    "rules": [
        {"_id": "r1", "i_age": "< 22", "i_city": "", "o_reason": '"R01"', "o_action": '"decline"'},
        {
            "_id": "r2",
            "i_age": "[22..55]",
            "i_city": '"北京","上海"',
            "o_reason": '"R02"',
            "o_action": '"review"',
        },
    ],
    "passThrough": False,
}


def _post(content: dict[str, Any]) -> dict[str, str]:
    """The fields the editor template posts for this content."""
    grid = grid_from_content(content)
    data = {
        "hit_policy": grid.hit_policy,
        "in_count": str(len(grid.inputs)),
        "out_count": str(len(grid.outputs)),
        "row_count": str(len(grid.rows)),
    }
    for kind, columns in (("in", grid.inputs), ("out", grid.outputs)):
        for i, column in enumerate(columns):
            data |= {f"{kind}-{i}-id": column.id, f"{kind}-{i}-name": column.name}
            data[f"{kind}-{i}-field"] = column.field
    for r, row in enumerate(grid.rows):
        data[f"row-{r}-id"] = row.id
        for i, text in enumerate(row.inputs):
            data[f"cell-{r}-in-{i}"] = text
        for j, text in enumerate(row.outputs):
            data[f"cell-{r}-out-{j}"] = text
    return data


def test_content_survives_the_round_trip_through_the_grid_and_the_form() -> None:
    grid = grid_from_content(CONTENT)

    assert content_from_grid(grid) == CONTENT
    assert content_from_grid(grid_from_post(_post(CONTENT))) == {
        k: v for k, v in CONTENT.items() if k != "passThrough"
    }


def test_dash_means_any_value_and_is_stored_empty() -> None:
    data = _post(CONTENT) | {"cell-1-in-1": " - "}

    content = content_from_grid(grid_from_post(data))

    assert content["rules"][1]["i_city"] == ""


def test_rows_are_added_removed_and_reordered() -> None:
    grid = grid_from_content(CONTENT)

    added = apply_operation(grid, "add_row:0")
    moved = apply_operation(grid, "down:0")
    removed = apply_operation(grid, "remove_row:0")

    assert [len(r.inputs) for r in added.rows] == [2, 2, 2]
    assert added.rows[0].id == "r1"
    assert added.rows[2].id == "r2"
    assert added.rows[1].inputs == ("", "")
    assert [r.id for r in moved.rows] == ["r2", "r1"]
    assert [r.id for r in apply_operation(grid, "up:0").rows] == ["r1", "r2"]
    assert [r.id for r in removed.rows] == ["r2"]


def test_columns_are_added_and_removed_with_their_cells() -> None:
    grid = grid_from_content(CONTENT)

    with_input = apply_operation(grid, "add_in")
    without_city = apply_operation(grid, "remove_in:1")
    without_action = apply_operation(grid, "remove_out:1")

    assert len(with_input.inputs) == 3
    assert with_input.rows[1].inputs[-1] == ""
    assert [c.field for c in without_city.inputs] == ["age"]
    assert without_city.rows[1].inputs == ("[22..55]",)
    assert without_action.rows[0].outputs == ('"R01"',)
    assert apply_operation(grid, "nonsense:3") == grid


def test_a_malformed_cell_is_reported_at_its_row_and_column() -> None:
    grid = grid_from_post(_post(CONTENT) | {"cell-1-in-0": "[22.."})

    errors = validate_grid(grid, declared_inputs={"age", "city"})

    assert [(e.row, e.kind, e.column) for e in errors] == [(1, "in", 0)]
    assert errors[0].position() == "第 2 行 · 条件列 1"
    assert errors[0].message == "无法解析：Incomplete parser output"
    assert "1-in-0" in error_map(errors)


def test_undeclared_and_duplicate_fields_are_reported_on_the_header() -> None:
    data = _post(CONTENT) | {"in-1-field": "income"}
    duplicate = _post(CONTENT) | {"out-1-field": "reason_code"}

    undeclared = validate_grid(grid_from_post(data), declared_inputs={"age", "city"})
    duplicated = validate_grid(grid_from_post(duplicate), declared_inputs=None)

    assert [(e.row, e.kind, e.column) for e in undeclared] == [(None, "in", 1)]
    assert [(e.row, e.kind, e.column) for e in duplicated] == [(None, "out", 1)]
    assert error_map([CellError(None, "in", 1, "x")]) == {"h-in-1": "x"}


def test_valid_unary_tests_pass() -> None:
    rows = ["< 3000", "[22..55]", '"北京","上海"', "-", "", ">= 3 and < 5", "true"]
    data = _post(CONTENT) | {"row_count": str(len(rows))}
    for r, text in enumerate(rows):
        data |= {f"cell-{r}-in-0": text, f"cell-{r}-in-1": "", f"cell-{r}-out-0": '"R"'}
        data |= {f"cell-{r}-out-1": ""}

    assert validate_grid(grid_from_post(data), declared_inputs={"age", "city"}) == []


def test_expression_lines_parse_with_line_numbers_for_problems() -> None:
    text = "dti = debt / income\n\n# comment\nratio: a +* 2\nnot a line\nflag = a == 1"

    entries, problems = expressions_from_text(text)

    assert [(e["key"], e["value"]) for e in entries] == [
        ("dti", "debt / income"),
        ("flag", "a == 1"),
    ]
    assert [number for number, _message in problems] == [4, 5]
    assert expressions_to_text(entries) == "dti = debt / income\nflag = a == 1"


def test_declared_inputs_are_read_and_checked() -> None:
    data = {
        "input_count": "4",
        "input-0-name": "age",
        "input-0-type": "number",
        "input-0-required": "on",
        "input-0-on_missing": "reject",
        "input-1-name": "city",
        "input-1-type": "string",
        "input-1-on_missing": "manual_review",
        "input-2-name": "age",
        "input-2-type": "number",
        "input-3-name": "gone",
        "input-3-delete": "on",
    }

    declared, errors = inputs_from_post(data)

    assert declared[0] == {
        "name": "age",
        "type": "number",
        "required": True,
        "on_missing": "reject",
    }
    assert declared[1]["required"] is False
    assert [e.row for e in errors] == [2]
    assert "gone" not in [d["name"] for d in declared]
