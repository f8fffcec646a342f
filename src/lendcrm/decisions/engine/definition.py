"""The strategy document (our own format) and its checks, with the position of every problem.

A document declares `inputs` and ordered `steps`. Tables are JDM decisionTableNode contents
(`hitPolicy`, `inputs`/`outputs` with `field`, `rules` keyed by column id with `_id`), and
expressions are JDM expressionNode contents, so any JDM editor can author them. Cells are only
ever compiled by zen's sandboxed expression language; nothing here executes authored text.

    {"format": "lendcrm-strategy", "format_version": 1,
     "inputs": [{"name": "age", "type": "number", "required": true,
                 "on_missing": "manual_review"}],
     "steps": [{"key": "hard", "type": "hard_rules", "table": {...collect table...}},
               {"key": "features", "type": "expressions", "expressions": [...]},
               {"key": "score", "type": "scorecard", "scorecard_version": 7},
               {"key": "matrix", "type": "decision_matrix", "table": {...first-hit table...}}]}
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import zen

FORMAT = "lendcrm-strategy"
FORMAT_VERSION = 1
INPUT_TYPES = frozenset({"number", "string", "boolean", "date"})
ON_MISSING = frozenset({"manual_review", "reject"})
HARD_RULES = "hard_rules"
EXPRESSIONS = "expressions"
SCORECARD = "scorecard"
DECISION_MATRIX = "decision_matrix"
STEP_TYPES = frozenset({HARD_RULES, EXPRESSIONS, SCORECARD, DECISION_MATRIX})
ACTIONS = frozenset({"decline", "manual_review"})
OUTCOMES = frozenset({"approve", "manual_review", "decline"})
HARD_RULE_OUTPUTS = frozenset({"reason_code", "action"})
MATRIX_OUTPUTS = frozenset({"outcome", "limit", "pricing_tier"})
SCORE_FIELD = "score"
FORBIDDEN_NODE_TYPES = frozenset({"functionNode", "customNode", "decisionNode"})
RULE_ID_FIELD = "rule_id"  # added to every row at compile time: tells which rows hit
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`")
_IDENT = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_]+)*(\s*\()?")
_WORDS = frozenset({"and", "or", "not", "in", "true", "false", "null", "this"})


@dataclass(frozen=True)
class Problem:
    """`where` is "step <key>, row <n>, column <field>" style, or a top-level path."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class DefinitionError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


def check_definition(definition: Any, *, strict: bool = False) -> dict[str, Any]:
    """The document when it is well-formed, else DefinitionError listing every problem.

    `strict` (at publish) also refuses references to variables that are neither a declared
    input, a feature derived by an earlier expressions step, nor the score after a scorecard.
    """
    problems = list(_problems(definition, strict=strict))
    if problems:
        raise DefinitionError(problems)
    return dict(definition)


def _problems(definition: Any, *, strict: bool) -> Iterator[Problem]:
    if not isinstance(definition, dict):
        yield Problem("document", "must be a JSON object")
        return
    yield from _forbidden_nodes(definition, "document")
    if definition.get("format") != FORMAT or definition.get("format_version") != FORMAT_VERSION:
        yield Problem("format", f"must be {FORMAT} version {FORMAT_VERSION}")
    inputs = definition.get("inputs")
    steps = definition.get("steps")
    if not isinstance(inputs, list):
        yield Problem("inputs", "must be a list")
        inputs = []
    if not isinstance(steps, list) or not steps:
        yield Problem("steps", "must be a non-empty list")
        return
    yield from _input_problems(inputs)
    known = {i["name"] for i in inputs if isinstance(i, dict) and isinstance(i.get("name"), str)}
    keys: set[str] = set()
    matrices = scorecards = 0
    for index, step in enumerate(steps):
        where = f"step {index + 1}"
        if not isinstance(step, dict):
            yield Problem(where, "must be an object")
            continue
        key, kind = step.get("key"), step.get("type")
        if not isinstance(key, str) or not _KEY.match(key):
            yield Problem(where, "key must be lower-case letters, digits and _")
            continue
        where = f"step {key}"
        if key in keys or key in known:
            yield Problem(where, "key is used twice")
        keys.add(key)
        if kind not in STEP_TYPES:
            yield Problem(where, f"unknown step type {kind!r}")
            continue
        if kind in (HARD_RULES, DECISION_MATRIX):
            matrices += kind == DECISION_MATRIX
            yield from _table_problems(step, where, kind, known if strict else None)
        elif kind == EXPRESSIONS:
            yield from _expression_problems(step, where, known if strict else None)
            for expression in step.get("expressions") or []:
                if isinstance(expression, dict) and isinstance(expression.get("key"), str):
                    if expression["key"] in known:
                        yield Problem(where, f"{expression['key']} is already defined")
                    known.add(expression["key"])
        else:
            scorecards += 1
            if not isinstance(step.get("scorecard_version"), int):
                yield Problem(where, "scorecard_version must be a scorecard version id")
            known.add(SCORE_FIELD)
    if matrices != 1:
        yield Problem("steps", "exactly one decision_matrix step is needed")
    if scorecards > 1:
        yield Problem("steps", "at most one scorecard step")


def _forbidden_nodes(value: Any, where: str) -> Iterator[Problem]:
    """JavaScript function nodes run arbitrary code: refused wherever they appear."""
    if isinstance(value, dict):
        if value.get("type") in FORBIDDEN_NODE_TYPES:
            yield Problem(where, f"{value.get('type')} is not allowed (no JavaScript)")
        for item in value.values():
            yield from _forbidden_nodes(item, where)
    elif isinstance(value, list):
        for item in value:
            yield from _forbidden_nodes(item, where)


def _input_problems(inputs: list[Any]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, spec in enumerate(inputs):
        where = f"inputs[{index}]"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            yield Problem(where, "needs a name")
            continue
        name = spec["name"]
        where = f"input {name}"
        if not _NAME.match(name) or name == SCORE_FIELD:
            yield Problem(where, "name must be letters, digits and _ (and not 'score')")
        if name in seen:
            yield Problem(where, "declared twice")
        seen.add(name)
        if spec.get("type") not in INPUT_TYPES:
            yield Problem(where, f"type must be one of {sorted(INPUT_TYPES)}")
        if spec.get("on_missing", "manual_review") not in ON_MISSING:
            yield Problem(where, f"on_missing must be one of {sorted(ON_MISSING)}")


def _table_problems(
    step: Mapping[str, Any], where: str, kind: str, known: set[str] | None
) -> Iterator[Problem]:
    table = step.get("table")
    if not isinstance(table, dict):
        yield Problem(where, "needs a table (JDM decisionTableNode content)")
        return
    policy = "collect" if kind == HARD_RULES else "first"
    if table.get("hitPolicy", policy) != policy:
        yield Problem(where, f"hitPolicy must be {policy}")
    columns = _columns(table.get("inputs"), where, "inputs")
    outputs = _columns(table.get("outputs"), where, "outputs")
    problems = [p for p in (*columns, *outputs) if isinstance(p, Problem)]
    yield from problems
    if problems:
        return
    in_cols = [c for c in columns if isinstance(c, dict)]
    out_cols = [c for c in outputs if isinstance(c, dict)]
    wanted = HARD_RULE_OUTPUTS if kind == HARD_RULES else MATRIX_OUTPUTS
    present = {c["field"] for c in out_cols}
    if kind == HARD_RULES and present != wanted:
        yield Problem(where, "outputs must be exactly reason_code and action")
    if kind == DECISION_MATRIX and (
        not present <= wanted | {"reason_code"} or "outcome" not in present
    ):
        yield Problem(where, "outputs must be outcome, limit, pricing_tier")
    if known is not None:
        for column in in_cols:
            if column["field"].split(".")[0] not in known:
                yield Problem(f"{where}, column {column['field']}", "unknown input variable")
    rules = table.get("rules")
    if not isinstance(rules, list) or not rules:
        yield Problem(where, "needs at least one rule")
        return
    ids: set[str] = set()
    for row, rule in enumerate(rules, start=1):
        yield from _rule_problems(rule, f"{where}, row {row}", in_cols, out_cols, ids, known)


def _columns(columns: Any, where: str, label: str) -> list[dict[str, str] | Problem]:
    if not isinstance(columns, list) or not columns:
        return [Problem(where, f"table {label} must be a non-empty list")]
    result: list[dict[str, str] | Problem] = []
    for index, column in enumerate(columns):
        if (
            not isinstance(column, dict)
            or not isinstance(column.get("id"), str)
            or not isinstance(column.get("field"), str)
            or not column["field"]
        ):
            result.append(Problem(f"{where}, {label}[{index}]", "needs an id and a field"))
        else:
            result.append(column)
    return result


def _rule_problems(
    rule: Any,
    where: str,
    in_cols: list[dict[str, str]],
    out_cols: list[dict[str, str]],
    ids: set[str],
    known: set[str] | None,
) -> Iterator[Problem]:
    if not isinstance(rule, dict) or not isinstance(rule.get("_id"), str) or not rule["_id"]:
        yield Problem(where, "needs an _id")
        return
    if rule["_id"] in ids:
        yield Problem(where, f"rule id {rule['_id']} is used twice")
    ids.add(rule["_id"])
    fields = {c["field"] for c in out_cols}
    for column in in_cols:
        cell = rule.get(column["id"], "")
        position = f"{where}, column {column['field']}"
        if not isinstance(cell, str):
            yield Problem(position, "must be text")
        elif cell.strip():
            yield from _compile_problem(cell, position, unary=True)
            if known is not None:
                yield from _unknown_names(cell, position, known)
    required = {"action", "outcome"} | ({"reason_code"} if "action" in fields else set())
    for column in out_cols:
        cell = rule.get(column["id"], "")
        position = f"{where}, column {column['field']}"
        if not isinstance(cell, str) or not cell.strip():
            if column["field"] in required:
                yield Problem(position, "must not be empty")
            continue
        yield from _compile_problem(cell, position, unary=False)
        literal = _string_literal(cell)
        if column["field"] == "action" and literal not in ACTIONS:
            yield Problem(position, f'must be one of {sorted(ACTIONS)} in quotes, e.g. "decline"')
        if column["field"] == "outcome" and literal not in OUTCOMES:
            yield Problem(position, f"must be one of {sorted(OUTCOMES)} in quotes")
        if known is not None:
            yield from _unknown_names(cell, position, known)


def _string_literal(cell: str) -> str | None:
    text = cell.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return None


def _expression_problems(
    step: Mapping[str, Any], where: str, known: set[str] | None
) -> Iterator[Problem]:
    expressions = step.get("expressions")
    if not isinstance(expressions, list) or not expressions:
        yield Problem(where, "needs a non-empty list of expressions")
        return
    for row, expression in enumerate(expressions, start=1):
        position = f"{where}, row {row}"
        if (
            not isinstance(expression, dict)
            or not isinstance(expression.get("key"), str)
            or not _NAME.match(expression["key"])
            or not isinstance(expression.get("value"), str)
        ):
            yield Problem(position, "needs a key (a name) and a value (an expression)")
            continue
        position = f"{position}, column {expression['key']}"
        yield from _compile_problem(expression["value"], position, unary=False)
        if known is not None:
            yield from _unknown_names(expression["value"], position, known)


def _compile_problem(text: str, where: str, *, unary: bool) -> Iterator[Problem]:
    try:
        if unary:
            zen.compile_unary_expression(text)
        else:
            zen.compile_expression(text)
    except Exception as exc:  # zen raises RuntimeError carrying a JSON description
        yield Problem(where, f"{_zen_message(exc)} in {text!r}")


def _zen_message(exc: Exception) -> str:
    first = str(exc).split("\n", 1)[0]
    match = re.search(r'"source":"((?:[^"\\]|\\.)*)"', first)
    return match.group(1) if match else first[:200]


def referenced_names(text: str) -> set[str]:
    """Root names an expression reads (string literals and function names excluded)."""
    bare = _STRING.sub('""', text)
    return {m.group(1) for m in _IDENT.finditer(bare) if not m.group(2)} - _WORDS


def _unknown_names(text: str, where: str, known: set[str]) -> Iterator[Problem]:
    for name in sorted(referenced_names(text) - known):
        yield Problem(where, f"unknown input variable {name}")


def input_specs(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(spec) for spec in definition.get("inputs") or []]
