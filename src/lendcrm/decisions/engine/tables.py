"""The steps of one graph segment evaluated cell by cell, with the graph's semantics.

What zen's graph does, and this module repeats (the differential tests hold them together):
an expressions step sees the node input (inputs and earlier features) plus `$`, its own results
so far; a later step sees every earlier feature. A table row matches when each non-empty input
cell's unary test holds for the column's value; a cell that fails in zen (a null compared with
a number, say) only means "no match", and a failing output cell drops its row. A collect table
returns every matching row in order, a first-hit table the first one or null. A row's outputs
come in column order, empty cells left out, then `rule_id`. A failing expression fails the
segment: the caller then evaluates the graph itself, which reports it. The graph's result
leaves out features that are null (later steps still see them, as null).

Each table runs as one Python function generated from its row plans (`_generated`: number
tests inline, every other test and output a call to its compiled cell); `_evaluate_table`
walks the same plans and is kept as the generated code's yardstick (`generated=False`).
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import zen

from lendcrm.decisions.engine.cells import (
    Exact,
    Expression,
    ExpressionList,
    Test,
    UnaryTest,
    Unsupported,
    comparable,
    context_of,
    graph_number,
    plain_value,
    single_comparison,
)
from lendcrm.decisions.engine.definition import EXPRESSIONS, HARD_RULES, RULE_ID_FIELD

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
_ZERO = Decimal(0)


@dataclass(frozen=True)
class _Row:
    rule_id: str
    outputs: tuple[tuple[str, Expression], ...]


# (column, the test in Python or None, the test) per non-empty input cell. A row's plan is its
# first check flattened (column -1 when it has none: it always matches) with, when that test is
# one number comparison, its operator and limits (`single_comparison`, checked inline, else
# None, 0.0, 0), its other checks, its outputs when every output cell is a literal (else None),
# and the row itself.
_Check = tuple[int, Test | None, UnaryTest | None]
_RowPlan = tuple[
    int,
    Callable[[Any, Any], bool] | None,
    float,
    Decimal,
    Test | None,
    UnaryTest | None,
    tuple[_Check, ...],
    dict[str, Any] | None,
    _Row,
]


@dataclass(frozen=True)
class _Table:
    key: str
    collect: bool
    fields: tuple[str, ...]
    rows: tuple[_RowPlan, ...]
    compared: tuple[int, ...]  # the columns that some test reads in Python
    run: Callable[[Mapping[str, Any]], Any] | None = None  # `_generated`, same answers


@dataclass(frozen=True)
class _Features:
    expressions: tuple[tuple[str, Expression], ...]
    together: ExpressionList | None  # when none reads `$`


class FastSegment:
    """Steps compiled cell by cell. Raises Unsupported for what only the graph can do."""

    def __init__(
        self, steps: Sequence[Mapping[str, Any]], names: frozenset[str], *, generated: bool = True
    ) -> None:
        """`generated=False` walks every table's row plans (`_evaluate_table`) instead of
        running the function generated for it (`_generated`); both give the same answers."""
        self.generated = generated
        self.steps = tuple(
            _features(s, names) if s["type"] == EXPRESSIONS else _table(s, names) for s in steps
        )
        self._run = _segment_function(self.steps)

    def evaluate(self, env: dict[str, Any]) -> dict[str, Any]:
        """The graph's result for this segment (plain values). `env` gains the features."""
        if self.generated and self._run is not None:
            return self._run(env)
        return self.evaluate_walk(env)

    def evaluate_walk(self, env: dict[str, Any]) -> dict[str, Any]:
        """`evaluate` step by step (what `_segment_function` generates, unrolled)."""
        results: dict[str, Any] = {}
        for step in self.steps:
            if type(step) is _Features:
                outputs: dict[str, Any] = {}
                if step.together is not None:
                    values = step.together.evaluate(env)
                    for (key, _), value in zip(step.expressions, values, strict=True):
                        outputs[key] = value
                else:
                    for key, expression in step.expressions:
                        reads = outputs if expression.reads_outputs else None
                        outputs[key] = expression.evaluate(env, reads)
                env.update(outputs)
                for key, value in outputs.items():
                    if value is not None:  # the graph's result leaves out null features
                        results[key] = plain_value(value)
            else:
                assert type(step) is _Table
                run = step.run if self.generated else None
                results[step.key] = _evaluate_table(step, env) if run is None else run(env)
        return results


def _segment_function(
    steps: Sequence[_Features | _Table],
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """`FastSegment.evaluate_walk` as one generated function, step by step; None when a
    features step reads `$` or repeats a key (the walk handles those).

    The source holds only generated names: keys, expressions and tables are bound as globals.
    """
    bound: dict[str, Any] = {
        "Exact": Exact,
        "Unsupported": Unsupported,
        "context_of": context_of,
        "graph_number": graph_number,
    }
    lines = ["def evaluate(env):", "    results = {}"]
    for index, step in enumerate(steps):
        if type(step) is _Features:
            keys = [key for key, _ in step.expressions]
            if step.together is None or len(set(keys)) != len(keys):
                return None
            # `ExpressionList.evaluate` and `_untyped`, inline
            bound[f"X{index}"] = step.together.compiled
            bound[f"N{index}"] = step.together.names
            names = [f"o{index}_{number}" for number in range(len(keys))]
            pairs = [f"p{index}_{number}" for number in range(len(keys))]
            lines.append(f"    values = X{index}.evaluate(context_of(env, N{index}, {{}}))")
            if names:
                lines.append(f"    {', '.join(pairs)}, = values")
            else:
                lines.append("    () = values")
            for name, pair in zip(names, pairs, strict=True):
                lines += [
                    f"    tag, {name} = {pair}",
                    '    if tag == "n":',
                    f"        {name} = graph_number({name})",
                    '    elif tag != "v":',
                    f'        raise Unsupported(f"a result of type {{{name}}}")',
                ]
            for number, name in enumerate(names):
                bound[f"K{index}_{number}"] = keys[number]
                lines.append(f"    env[K{index}_{number}] = {name}")
            for number, name in enumerate(names):
                lines += [
                    f"    if {name} is not None:",
                    f"        results[K{index}_{number}] = "
                    f"{name}.value if type({name}) is Exact else {name}",
                ]
        else:
            assert type(step) is _Table
            if step.run is None:
                return None
            bound[f"K{index}"], bound[f"T{index}"] = step.key, step.run
            lines.append(f"    results[K{index}] = T{index}(env)")
    lines.append("    return results")
    exec(compile("\n".join(lines), "<segment>", "exec"), bound)  # noqa: S102
    evaluate: Callable[[dict[str, Any]], dict[str, Any]] = bound["evaluate"]
    return evaluate


def _evaluate_table(table: _Table, env: Mapping[str, Any]) -> Any:
    values = list(map(env.get, table.fields))
    numbers = values  # decimals as zen holds them, once per table, for the tests in Python
    for column in table.compared:
        kind = type(values[column])
        if kind is float or kind is Exact:
            if numbers is values:
                numbers = list(values)
            numbers[column] = comparable(values[column])
    hits: list[dict[str, Any]] = []
    collect = table.collect
    for column, compare, limit, exact, shortcut, test, others, constant, row in table.rows:
        if compare is not None:
            value = numbers[column]
            kind = type(value)
            if kind is int:
                if not compare(value, limit):
                    continue
            elif kind is Decimal:
                if not compare(value, exact):
                    continue
            elif shortcut is None or not shortcut(value):
                continue
        elif shortcut is not None:
            if not shortcut(numbers[column]):
                continue
        elif test is not None and not test.matches(values[column], env):
            continue
        if others and not _matches(others, values, numbers, env):
            continue
        hit = constant if constant is not None else _row_outputs(row, env)
        if hit is None:
            continue
        if not collect:
            return hit
        hits.append(hit)
    return hits if collect else None


_SYMBOLS: dict[Callable[[Any, Any], bool], str] = {
    operator.lt: "<",
    operator.le: "<=",
    operator.gt: ">",
    operator.ge: ">=",
}


def _generated(table: _Table) -> Callable[[Mapping[str, Any]], Any]:
    """`_evaluate_table` for this table as one Python function, made with `exec`.

    The source holds only generated names, operators and column numbers: every field name,
    limit, test and output is bound through the function's globals. A check made of number
    comparisons is written inline as `_predicate` decides it (by the float limit for an int,
    the Decimal limit for a Decimal, else the shortcut itself); other checks call the shortcut
    or the zen test, in the walk's order.
    """
    bound: dict[str, Any] = {
        "Decimal": Decimal,
        "Exact": Exact,
        "comparable": comparable,
        "_row_outputs": _row_outputs,
    }
    count = len(table.fields)
    lines = ["def run(env):", "    get = env.get"]
    for column in range(count):
        bound[f"F{column}"] = table.fields[column]
        lines.append(f"    v{column} = get(F{column})")
    for column in table.compared:
        lines += [
            f"    n{column} = v{column}",
            f"    if type(n{column}) is float or type(n{column}) is Exact:",
            f"        n{column} = comparable(n{column})",
            f"    k{column} = type(n{column})",
        ]
    if table.collect:
        lines.append("    hits = []")
    found = "hits.append(hit)" if table.collect else "return hit"
    for index, plan in enumerate(table.rows):
        column, _, _, _, shortcut, test, others, constant, row = plan
        checks = ([(column, shortcut, test)] if column >= 0 else []) + list(others)
        conditions = []
        for number, (col, check_shortcut, check_test) in enumerate(checks):
            name = f"{index}_{number}"
            bounds = check_test.bounds if check_test is not None else None
            if check_shortcut is not None and bounds is not None:
                bound[f"S{name}"] = check_shortcut
                by_int, by_decimal = [], []
                for part, bounds_part in enumerate(bounds):
                    ints, decimals = [], []
                    for which, (compare, limit, exact) in enumerate(bounds_part):
                        bound[f"L{name}_{part}_{which}"] = limit
                        bound[f"E{name}_{part}_{which}"] = exact
                        symbol = _SYMBOLS[compare]
                        ints.append(f"n{col} {symbol} L{name}_{part}_{which}")
                        decimals.append(f"n{col} {symbol} E{name}_{part}_{which}")
                    by_int.append("(" + " and ".join(ints) + ")")
                    by_decimal.append("(" + " and ".join(decimals) + ")")
                conditions.append(
                    f"(({' or '.join(by_int)}) if k{col} is int else "
                    f"({' or '.join(by_decimal)}) if k{col} is Decimal else S{name}(n{col}))"
                )
            elif check_shortcut is not None:
                bound[f"S{name}"] = check_shortcut
                conditions.append(f"S{name}(n{col})")
            elif check_test is not None:
                bound[f"T{name}"] = check_test
                conditions.append(f"T{name}.matches(v{col}, env)")
        lines.append("    if " + (" and ".join(conditions) or "True") + ":")
        if constant is not None:
            bound[f"H{index}"] = constant
            lines.append(f"        hit = H{index}")
        else:
            bound[f"R{index}"] = _row_function(row)
            lines.append(f"        hit = R{index}(env)")
        lines += ["        if hit is not None:", f"            {found}"]
    lines.append("    return hits" if table.collect else "    return None")
    exec(compile("\n".join(lines), f"<table {table.key!r}>", "exec"), bound)  # noqa: S102
    run: Callable[[Mapping[str, Any]], Any] = bound["run"]
    return run


def _matches(
    checks: tuple[_Check, ...], values: list[Any], numbers: list[Any], env: Mapping[str, Any]
) -> bool:
    for column, shortcut, test in checks:
        if shortcut is not None:
            if not shortcut(numbers[column]):
                return False
        elif test is not None and not test.matches(values[column], env):
            return False
    return True


def _row_outputs(row: _Row, env: Mapping[str, Any]) -> dict[str, Any] | None:
    outputs: dict[str, Any] = {}
    for field, expression in row.outputs:
        try:
            outputs[field] = plain_value(expression.evaluate(env))
        except Unsupported:
            raise
        except Exception:  # zen drops a row whose output fails
            return None
    outputs[RULE_ID_FIELD] = row.rule_id
    return outputs


def _row_function(row: _Row) -> Callable[[Mapping[str, Any]], dict[str, Any] | None]:
    """`_row_outputs` for one row as a generated function: a literal output's plain value is
    taken once, every other output evaluated as `_row_outputs` does, in column order.

    The source holds only generated names: fields, expressions and the rule id are globals.
    """
    bound: dict[str, Any] = {
        "Unsupported": Unsupported,
        "plain_value": plain_value,
        "RID": RULE_ID_FIELD,
        "RULE": row.rule_id,
    }
    lines = ["def outputs(env):", "    found = {}"]
    for index, (field, expression) in enumerate(row.outputs):
        bound[f"F{index}"] = field
        if expression.is_constant:
            bound[f"C{index}"] = plain_value(expression.constant)
            lines.append(f"    found[F{index}] = C{index}")
        else:
            bound[f"E{index}"] = expression
            lines += [
                "    try:",
                f"        found[F{index}] = plain_value(E{index}.evaluate(env))",
                "    except Unsupported:",
                "        raise",
                "    except Exception:  # zen drops a row whose output fails",
                "        return None",
            ]
    lines += ["    found[RID] = RULE", "    return found"]
    exec(compile("\n".join(lines), f"<row {row.rule_id!r}>", "exec"), bound)  # noqa: S102
    function: Callable[[Mapping[str, Any]], dict[str, Any] | None] = bound["outputs"]
    return function


def _features(step: Mapping[str, Any], names: frozenset[str]) -> _Features:
    expressions = []
    for item in step["expressions"]:
        _refuse_root(item["value"])
        expressions.append((item["key"], Expression(item["value"], names)))
    together = None
    if not any(e.reads_outputs for _, e in expressions):
        together = ExpressionList([e for _, e in expressions])
    return _Features(tuple(expressions), together)


def _table(step: Mapping[str, Any], names: frozenset[str]) -> _Table:
    table = step["table"]
    inputs = table["inputs"]
    outputs = [c for c in table["outputs"] if c["field"] != RULE_ID_FIELD]
    fields = tuple(c["field"] for c in inputs)
    if any(not _FIELD.fullmatch(f) or f in _KEYWORDS for f in fields):
        raise Unsupported("a column reads a path or an expression")
    rows = []
    for rule in table["rules"]:
        texts = [
            (index, _refuse_root(cell))
            for index, column in enumerate(inputs)
            if (cell := _cell(rule, column["id"]))
        ]
        tests = [(index, UnaryTest(text, names)) for index, text in texts]
        cells = tuple(
            (column["field"], Expression(_refuse_dollar(cell), names))
            for column in outputs
            if (cell := _cell(rule, column["id"]))
        )
        constant = None
        if all(expression.is_constant for _, expression in cells):
            constant = {field: plain_value(e.constant) for field, e in cells}
            constant[RULE_ID_FIELD] = rule["_id"]
        if zen.evaluate_expression(json.dumps(rule["_id"], ensure_ascii=False)) != rule["_id"]:
            raise Unsupported("a rule id zen reads differently")
        checks: list[_Check] = [(index, test.shortcut, test) for index, test in tests]
        column, shortcut, test = checks.pop(0) if checks else (-1, None, None)
        comparison = single_comparison(texts[0][1]) if shortcut is not None else None
        compare, limit, exact = comparison or (None, 0.0, _ZERO)
        plan = (column, compare, limit, exact, shortcut, test, tuple(checks), constant)
        rows.append((*plan, _Row(rule["_id"], cells)))
    compared = sorted(
        {row[0] for row in rows if row[4]} | {c for row in rows for c, s, _ in row[6] if s}
    )
    plans = _Table(step["key"], step["type"] == HARD_RULES, fields, tuple(rows), tuple(compared))
    return replace(plans, run=_generated(plans))


def _cell(rule: Mapping[str, Any], column_id: str) -> str:
    cell = rule.get(column_id)
    return cell if isinstance(cell, str) and cell.strip() else ""


def _refuse_root(text: str) -> str:
    if "$root" in text or "$nodes" in text:  # the whole graph state, as only zen has it
        raise Unsupported("$root")
    return text


def _refuse_dollar(text: str) -> str:
    if "$" in text:  # an output cell's `$` is whatever zen's last input column left there
        raise Unsupported("$ in an output cell")
    return text
