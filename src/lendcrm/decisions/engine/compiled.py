"""A strategy document compiled once, evaluated many times with a full trace.

Compilation splits the steps into as few segments as possible. When the scorecard reads only
declared inputs it is scored first, in Python with `scoring.scorer`, and every table and
expression is ONE segment; when it reads derived features the steps before it and after it are
two. Velocity and aggregate features are computed by the caller and passed in as inputs.

Each segment is compiled twice. The reference is a JDM graph (precompiled `ZenDecisionContent`
served to one `ZenEngine`), evaluated by zen in one call. The fast path (`tables.FastSegment`)
compiles every cell and expression with zen once and walks the tables in Python, which avoids
converting the whole context for every call. Both give the same results, which the differential
tests check. Its tables, each segment's steps, each computed row's outputs, the input
preparation, the scorecard (`Scorer.score_row_generated`) and the whole output
(`TraceBuilder.run`) run as Python functions generated once per strategy (only generated
names in their source, every value from the document bound as a global), each checked against
the plain walk it replaces. An input outside what the fast path handles, and any failing
expression, is evaluated with the graph, so that its error is the graph's own.

The output uses only ints, strings, booleans, None, lists and dicts (see `trace`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import zen

from lendcrm.decisions.engine.cells import Unsupported
from lendcrm.decisions.engine.definition import (
    DECISION_MATRIX,
    EXPRESSIONS,
    HARD_RULES,
    SCORE_FIELD,
    SCORECARD,
    check_definition,
)
from lendcrm.decisions.engine.jdm import build_graph
from lendcrm.decisions.engine.tables import FastSegment
from lendcrm.decisions.engine.trace import (
    DATA_INCOMPLETE,
    EVALUATION_ERROR,
    NO_MATRIX_MATCH,
    TraceBuilder,
    decimal_text,
    money,
    plain,
)
from lendcrm.scoring.scorer import RowScore, Scorer

__all__ = [
    "DATA_INCOMPLETE",
    "EVALUATION_ERROR",
    "NO_MATRIX_MATCH",
    "CompileError",
    "CompiledStrategy",
    "InputRejected",
    "InputSpec",
    "decimal_text",
    "money",
    "plain",
]
_I64 = 2**63
_EXACT_KINDS: dict[str, type] = {"number": int, "string": str, "boolean": bool}


class CompileError(ValueError):
    """The document cannot be compiled (e.g. its scorecard version is unavailable)."""


class InputRejected(ValueError):
    """A required input with on_missing=reject is absent, or an input has the wrong type."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    required: bool
    on_missing: str


@dataclass(frozen=True)
class _Segment:
    key: str
    steps: tuple[Mapping[str, Any], ...]


class CompiledStrategy:
    def __init__(
        self,
        definition: Mapping[str, Any],
        *,
        cards: Mapping[int, Mapping[str, Any]],
        reference: bool = False,
    ) -> None:
        """`reference=True` always evaluates the zen graph (the fast path's yardstick)."""
        document = check_definition(definition)
        self.inputs = tuple(
            InputSpec(
                name=spec["name"],
                type=spec["type"],
                required=bool(spec.get("required", False)),
                on_missing=spec.get("on_missing", "manual_review"),
            )
            for spec in document["inputs"]
        )
        steps: list[Mapping[str, Any]] = list(document["steps"])
        self.scorer: Scorer | None = None
        self.score_key = ""
        card_step = next((s for s in steps if s["type"] == SCORECARD), None)
        if card_step is not None:
            card = cards.get(card_step["scorecard_version"])
            if card is not None:
                self.scorer = Scorer(card)
                self.score_key = card_step["key"]
            elif not card_step.get("optional", False):
                raise CompileError(
                    f"step {card_step['key']}: scorecard version "
                    f"{card_step['scorecard_version']} is not available"
                )
        self.segments = self._segments(steps)
        self._contents = {
            s.key: zen.ZenDecisionContent(build_graph(s.steps)) for s in self.segments
        }
        self._engine = zen.ZenEngine({"loader": self._contents.__getitem__})
        self._feature_keys = tuple(
            e["key"] for s in steps if s["type"] == EXPRESSIONS for e in s["expressions"]
        )
        self._trace = TraceBuilder(
            [
                (s["key"], s["type"], tuple(r["_id"] for r in s["table"]["rules"]))
                for s in steps
                if s["type"] in (HARD_RULES, DECISION_MATRIX)
            ],
            self._feature_keys,
            self.scorer,
        )
        self._specs = tuple((spec, spec.name, _EXACT_KINDS.get(spec.type)) for spec in self.inputs)
        self._prepare_generated = _prepare_function(self._specs)
        self.reference = reference
        self._fast = None if reference else self._fast_segments()
        self._one = self._fast["all"].evaluate if self._fast and self.score_first else None
        self._score_first = (
            self.scorer.score_row_generated
            if self.scorer is not None and self.score_first
            else None
        )

    def _fast_segments(self) -> dict[str, FastSegment] | None:
        names = frozenset(
            {spec.name for spec in self.inputs} | set(self._feature_keys) | {SCORE_FIELD}
        )
        tables = {table[0] for table in self._trace.tables}
        if tables & set(self._feature_keys):  # zen's merge of the two decides which one wins
            return None
        try:
            return {s.key: FastSegment(s.steps, names) for s in self.segments}
        except Unsupported:
            return None

    def _segments(self, steps: list[Mapping[str, Any]]) -> tuple[_Segment, ...]:
        graph_steps = [s for s in steps if s["type"] != SCORECARD]
        declared = {spec.name for spec in self.inputs}
        if self.scorer is None or set(self.scorer.variable_names) <= declared:
            return (_Segment("all", tuple(graph_steps)),)
        cut = next(i for i, s in enumerate(steps) if s["type"] == SCORECARD)
        before = tuple(s for s in steps[:cut] if s["type"] != SCORECARD)
        after = tuple(s for s in steps[cut + 1 :] if s["type"] != SCORECARD)
        return tuple(
            seg for seg in (_Segment("before", before), _Segment("after", after)) if seg.steps
        )

    @property
    def score_first(self) -> bool:
        return len(self.segments) == 1

    # Inputs ---------------------------------------------------------------------------------
    def prepare_inputs(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Declared inputs only, type-checked, and the names of missing required ones.

        Raises InputRejected naming the field for a wrong type, or for a missing required
        input whose on_missing is `reject`.
        """
        values, missing, _ = self._prepare(raw)
        return values, missing

    def _prepare(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], bool]:
        """prepare_inputs, and whether the fast path may evaluate the values (`_zen_safe`)."""
        return self._prepare_generated(raw)

    def _prepare_walk(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], bool]:
        """`_prepare` spec by spec (what `_prepare_function` generates, unrolled)."""
        values: dict[str, Any] = {}
        missing: list[str] = []
        safe = True
        get = raw.get
        for spec, name, wanted in self._specs:
            value: Any = get(name)
            kind = type(value)
            if kind is wanted:  # an int number, a str string or a bool boolean: kept as it is
                if kind is int:
                    if not -_I64 <= value < _I64:
                        safe = False
                elif kind is str and not value.isascii() and not _zen_safe((value,)):
                    safe = False
            else:
                value, safe = _other_input(spec, value, missing, safe)
            values[name] = value
        return values, missing, safe

    # Evaluation -----------------------------------------------------------------------------
    def evaluate(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The complete, JSON-ready result for one applicant (see module docstring)."""
        context, missing, safe = self._prepare_generated(raw)
        if self._fast is not None and safe:
            try:
                if self.score_first:
                    return self._evaluate_one(context, missing)
                return self._evaluate(context, missing, self._fast_results)
            except Unsupported:
                context, missing = self.prepare_inputs(raw)
        return self._evaluate(context, missing, self._graph_results)

    def _evaluate(
        self, context: dict[str, Any], missing: list[str], segment_results: _SegmentResults
    ) -> dict[str, Any]:
        results: dict[str, Any] = {}
        error = ""
        score_result: RowScore | None = None
        try:
            if self._score_first is not None:
                score_result = self._score_first(context)
                context[SCORE_FIELD] = score_result.score
            for segment in self.segments:
                if segment.key == "after" and self.scorer is not None:
                    score_result = self.scorer.score_row_generated({**context, **results})
                    context[SCORE_FIELD] = score_result.score
                merged = (
                    {**context, **_features(results, self._feature_keys)} if results else context
                )
                results.update(segment_results(segment.key, merged))
        except (RuntimeError, ValueError) as exc:
            error = str(exc).split("\n", 1)[0][:300]
        return self._trace.run(results, score_result, missing, error)

    def _evaluate_one(self, context: dict[str, Any], missing: list[str]) -> dict[str, Any]:
        """`_evaluate` with the fast path for a strategy of one segment, scored first."""
        assert self._one is not None
        results: Mapping[str, Any] = {}
        error = ""
        score_result: RowScore | None = None
        try:
            if self._score_first is not None:
                score_result = self._score_first(context)
                context[SCORE_FIELD] = score_result.score
            score = context.get(SCORE_FIELD)
            if score is not None and not _zen_safe_score(score):
                raise Unsupported("score")
            try:
                results = self._one(context)
            except Exception as exc:  # the graph reports it, in its own words
                raise Unsupported(str(exc)) from exc
        except (RuntimeError, ValueError) as exc:
            error = str(exc).split("\n", 1)[0][:300]
        return self._trace.run(results, score_result, missing, error)

    def _graph_results(self, key: str, merged: dict[str, Any]) -> Mapping[str, Any]:
        result: Mapping[str, Any] = self._engine.evaluate(key, merged)["result"]
        return result

    def _fast_results(self, key: str, merged: dict[str, Any]) -> Mapping[str, Any]:
        assert self._fast is not None
        score = merged.get(SCORE_FIELD)
        if score is not None and not _zen_safe_score(score):
            raise Unsupported("score")
        try:
            return self._fast[key].evaluate(merged)
        except Exception as exc:  # the graph reports it, in its own words
            raise Unsupported(str(exc)) from exc


def _other_input(spec: InputSpec, value: Any, missing: list[str], safe: bool) -> tuple[Any, bool]:
    """An input not of its exact kind: coerced, noted when missing, and whether still safe."""
    value = _coerce(spec, value)
    if value is None:
        if spec.required:
            if spec.on_missing == "reject":
                raise InputRejected(spec.name, "is required")
            missing.append(spec.name)
    elif safe:
        safe = _zen_safe((value,))
    return value, safe


_Prepare = Callable[[Mapping[str, Any]], tuple[dict[str, Any], list[str], bool]]


def _prepare_function(specs: Sequence[tuple[InputSpec, str, type | None]]) -> _Prepare:
    """`CompiledStrategy._prepare_walk` as one generated function, input by input.

    The source holds only generated names: the specs and their names are bound as globals.
    """
    bound: dict[str, Any] = {
        "I64": _I64,
        "_zen_safe": _zen_safe,
        "_other_input": _other_input,
    }
    lines = ["def prepare(raw):", "    get = raw.get", "    missing = []", "    safe = True"]
    for index, (spec, name, wanted) in enumerate(specs):
        bound[f"S{index}"], bound[f"N{index}"] = spec, name
        value = f"v{index}"
        lines.append(f"    {value} = get(N{index})")
        if wanted is int:
            lines += [
                f"    if type({value}) is int:",
                f"        if not -I64 <= {value} < I64:",
                "            safe = False",
            ]
        elif wanted is str:
            lines += [
                f"    if type({value}) is str:",
                f"        if not {value}.isascii() and not _zen_safe(({value},)):",
                "            safe = False",
            ]
        elif wanted is bool:
            lines.append(f"    if type({value}) is bool:")
            lines.append("        pass")
        else:
            lines.append("    if False:")
            lines.append("        pass")
        lines += [
            "    else:",
            f"        {value}, safe = _other_input(S{index}, {value}, missing, safe)",
        ]
    pairs = "".join(f"N{i}: v{i}, " for i in range(len(specs)))
    lines.append(f"    return {{{pairs}}}, missing, safe")
    exec(compile("\n".join(lines), "<prepare>", "exec"), bound)  # noqa: S102
    prepare: _Prepare = bound["prepare"]
    return prepare


_SegmentResults = Callable[[str, dict[str, Any]], Mapping[str, Any]]


def _zen_safe(values: Iterable[Any]) -> bool:
    """Values the fast path hands to zen exactly as a graph evaluation would.

    Ints outside 64 bits, floats written with an exponent or with more places than zen's
    decimals hold, and text Python cannot encode are left to the graph (which may refuse them).
    """
    for value in values:
        kind = type(value)
        if kind is int:
            if not -_I64 <= value < _I64:
                return False
        elif kind is float:
            if value and not 1e-4 <= abs(value) < 1e15:
                return False
        elif kind is str:
            if not value.isascii():
                try:
                    value.encode()
                except UnicodeEncodeError:
                    return False
        elif value is not None and kind is not bool:
            return False
    return True


def _zen_safe_score(score: Any) -> bool:
    """_zen_safe for one value, without building a tuple for the usual float."""
    if type(score) is float:
        return not score or 1e-4 <= abs(score) < 1e15
    return _zen_safe((score,))


def _features(results: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: results[k] for k in keys if k in results}


def _coerce(spec: InputSpec, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip() and spec.type != "string"):
        return None
    if spec.type == "number":
        return _number(spec.name, value)
    if spec.type == "boolean":
        if isinstance(value, bool):
            return value
        raise InputRejected(spec.name, "must be true or false")
    if spec.type == "date":
        text = value.isoformat() if isinstance(value, date) else value
        if isinstance(text, str):
            try:
                return date.fromisoformat(text[:10]).isoformat()
            except ValueError:
                pass
        raise InputRejected(spec.name, "must be a date (YYYY-MM-DD)")
    if isinstance(value, str):
        return value
    raise InputRejected(spec.name, "must be text")


def _number(name: str, value: Any) -> int | float:
    if isinstance(value, bool):
        raise InputRejected(name, "must be a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputRejected(name, "must be a finite number")
        return value
    if isinstance(value, Decimal | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise InputRejected(name, "must be a number") from None
        if not number.is_finite():
            raise InputRejected(name, "must be a finite number")
        return int(number) if number == number.to_integral_value() else float(number)
    raise InputRejected(name, "must be a number")
