"""A strategy document compiled once, evaluated many times with a full trace.

Compilation turns the steps into as few JDM graphs as possible (precompiled
`ZenDecisionContent`, served to one `ZenEngine` by a loader), because each zen call costs a
fixed overhead plus the conversion of its input. When the scorecard reads only declared inputs
it is scored first, in Python with `scoring.scorer`, and every table and expression runs in ONE
graph evaluation; when it reads derived features the steps before it and after it are two
graphs. Velocity and aggregate features are computed by the caller and passed in as inputs.

The output uses only ints, strings, booleans, None, lists and dicts: fractional numbers become
decimal strings, so that a stored output compares bit for bit with a replay.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import zen

from lendcrm.decisions.engine.definition import (
    DECISION_MATRIX,
    EXPRESSIONS,
    HARD_RULES,
    RULE_ID_FIELD,
    SCORE_FIELD,
    SCORECARD,
    check_definition,
)
from lendcrm.decisions.engine.jdm import build_graph
from lendcrm.scoring.scorer import MAX_REASON_CODES, Scorer

DATA_INCOMPLETE = "DATA_INCOMPLETE"
EVALUATION_ERROR = "EVALUATION_ERROR"
NO_MATRIX_MATCH = "NO_MATRIX_MATCH"
CENT = Decimal("0.01")
_SEVERITY = {"approve": 0, "manual_review": 1, "decline": 2}


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
        self, definition: Mapping[str, Any], *, cards: Mapping[int, Mapping[str, Any]]
    ) -> None:
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
        self._tables = {
            s["key"]: (s["type"], tuple(r["_id"] for r in s["table"]["rules"]))
            for s in steps
            if s["type"] in (HARD_RULES, DECISION_MATRIX)
        }
        self._feature_keys = tuple(
            e["key"] for s in steps if s["type"] == EXPRESSIONS for e in s["expressions"]
        )

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
        values: dict[str, Any] = {}
        missing: list[str] = []
        for spec in self.inputs:
            value = raw.get(spec.name)
            kind = type(value)
            if not (kind is int and spec.type == "number") and not (
                kind is str and spec.type == "string"
            ):
                value = _coerce(spec, value)
            if value is None and spec.required:
                if spec.on_missing == "reject":
                    raise InputRejected(spec.name, "is required")
                missing.append(spec.name)
            values[spec.name] = value
        return values, missing

    # Evaluation -----------------------------------------------------------------------------
    def evaluate(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The complete, JSON-ready result for one applicant (see module docstring)."""
        context, missing = self.prepare_inputs(raw)
        results: dict[str, Any] = {}
        error = ""
        score_result = None
        try:
            if self.score_first and self.scorer is not None:
                score_result = self.scorer.score_row(context)
                context[SCORE_FIELD] = score_result.score
            for segment in self.segments:
                if segment.key == "after" and self.scorer is not None:
                    score_result = self.scorer.score_row({**context, **results})
                    context[SCORE_FIELD] = score_result.score
                merged = {**context, **_features(results, self._feature_keys)}
                results.update(self._engine.evaluate(segment.key, merged)["result"])
        except (RuntimeError, ValueError) as exc:
            error = str(exc).split("\n", 1)[0][:300]
        return self._output(results, score_result, missing, error)

    def _output(
        self, results: Mapping[str, Any], score_result: Any, missing: list[str], error: str
    ) -> dict[str, Any]:
        rule_results: list[dict[str, Any]] = []
        declines: list[str] = []
        reviews: list[str] = []
        matrix: dict[str, Any] | None = None
        for key, (kind, rule_ids) in self._tables.items():
            found = results.get(key)
            if kind == HARD_RULES:
                hits = {h[RULE_ID_FIELD]: h for h in found or () if isinstance(h, dict)}
                for rule_id in rule_ids:
                    hit = hits.get(rule_id)
                    outputs = _plain_outputs(hit)
                    rule_results.append(
                        {
                            "step": key,
                            "rule_id": rule_id,
                            "hit": hit is not None,
                            "outputs": outputs,
                        }
                    )
                    if hit is not None:
                        bucket = declines if outputs.get("action") == "decline" else reviews
                        bucket.append(str(outputs.get("reason_code", rule_id)))
            elif isinstance(found, dict) and found.get(RULE_ID_FIELD) is not None:
                matrix = _plain_outputs(found)
                rule_results.append(
                    {"step": key, "rule_id": found[RULE_ID_FIELD], "hit": True, "outputs": matrix}
                )
        return _assemble(
            rule_results=rule_results,
            declines=declines,
            reviews=reviews,
            matrix=matrix,
            score_result=score_result,
            missing=missing,
            error=error,
            features={k: plain(results[k]) for k in self._feature_keys if k in results},
        )


def _assemble(
    *,
    rule_results: list[dict[str, Any]],
    declines: list[str],
    reviews: list[str],
    matrix: dict[str, Any] | None,
    score_result: Any,
    missing: list[str],
    error: str,
    features: dict[str, Any],
) -> dict[str, Any]:
    score_reasons: list[str] = list(score_result.reason_codes) if score_result else []
    decisive: list[str] = list(declines)
    if missing:
        decisive.append(DATA_INCOMPLETE)
    if error:
        decisive.append(EVALUATION_ERROR)
    decisive += reviews
    outcome = "decline" if declines else "approve"
    if outcome != "decline" and (missing or error or reviews):
        outcome = "manual_review"
    matrix_outcome = str(matrix.get("outcome")) if matrix else "manual_review"
    if not matrix and not error:
        decisive.append(NO_MATRIX_MATCH)
    if matrix and matrix.get("reason_code"):
        decisive.append(str(matrix["reason_code"]))
    if _SEVERITY.get(matrix_outcome, 1) > _SEVERITY[outcome]:
        outcome = matrix_outcome
    approved = outcome == "approve" and matrix is not None
    reason_codes = list(dict.fromkeys(decisive + score_reasons))[:MAX_REASON_CODES]
    return {
        "outcome": outcome,
        "limit": money(matrix.get("limit")) if approved and matrix else None,
        "pricing_tier": str(matrix.get("pricing_tier") or "") if approved and matrix else "",
        "reason_codes": reason_codes,
        "rule_results": rule_results,
        "features": features,
        "score": decimal_text(score_result.score) if score_result else None,
        "score_points": (
            {k: decimal_text(v) for k, v in score_result.points.items()} if score_result else {}
        ),
        "score_reason_codes": score_reasons,
        "missing": missing,
        "error": error,
    }


def _features(results: Mapping[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    return {k: results[k] for k in keys if k in results}


def _plain_outputs(hit: Mapping[str, Any] | None) -> dict[str, Any]:
    if not hit:
        return {}
    return {k: plain(v) for k, v in hit.items() if k != RULE_ID_FIELD}


def plain(value: Any) -> Any:
    """JSON-stable: fractional numbers as decimal strings, containers walked."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float | Decimal):
        return decimal_text(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value)


def decimal_text(value: float | Decimal) -> str:
    """Plain decimal notation of the shortest repr (no exponent), trailing zeros dropped."""
    if isinstance(value, float):
        text = repr(value)
        if "e" not in text and "n" not in text:
            return text[:-2] if text.endswith(".0") else text
        if not math.isfinite(value):
            return text
        value = Decimal(text)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Any) -> str | None:
    """A limit as a string with two decimals, rounded half up; None when not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        return None
    return str(number.quantize(CENT, rounding=ROUND_HALF_UP))


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
