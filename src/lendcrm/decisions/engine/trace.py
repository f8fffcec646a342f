"""The JSON-ready result of one evaluation: outcome, limit, reasons and the full rule trace.

It is built from the graph-shaped results (a list of hit rows per collect table, the hit row or
null per first-hit table, the features by key), whichever evaluator produced them. Fractional
numbers become decimal strings, so that a stored output compares bit for bit with a replay.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from lendcrm.decisions.engine.definition import HARD_RULES, RULE_ID_FIELD
from lendcrm.scoring.scorer import MAX_REASON_CODES, RowScore, Scorer

DATA_INCOMPLETE = "DATA_INCOMPLETE"
EVALUATION_ERROR = "EVALUATION_ERROR"
NO_MATRIX_MATCH = "NO_MATRIX_MATCH"
CENT = Decimal("0.01")
_PLAIN_INT = 10**20  # an int this small quantizes to itself and ".00"
_SEVERITY = {"approve": 0, "manual_review": 1, "decline": 2}
_PLAIN_TYPES = frozenset({str, int, bool, type(None)})  # what plain() returns unchanged


class TraceBuilder:
    """Knows the tables and features of one strategy, in document order, and its scorecard.

    Rule ids are unique within a table (`check_definition`), so a hit has one position.
    """

    def __init__(
        self,
        tables: Sequence[tuple[str, str, tuple[str, ...]]],
        feature_keys: Sequence[str],
        scorer: Scorer | None,
    ) -> None:
        self.tables = tuple(
            (key, kind == HARD_RULES, rule_ids, {r: i for i, r in enumerate(rule_ids)})
            for key, kind, rule_ids in tables
        )
        self.feature_keys = tuple(feature_keys)
        # score_row takes each variable's points from its bin, so their texts are known now
        self._point_texts = (
            {v.name: tuple(decimal_text(p) for p in v.points) for v in scorer.variables}
            if scorer
            else {}
        )

    def output(
        self,
        results: Mapping[str, Any],
        score_result: RowScore | None,
        missing: list[str],
        error: str,
    ) -> dict[str, Any]:
        rule_results: list[dict[str, Any]] = []
        declines: list[str] = []
        reviews: list[str] = []
        matrix: dict[str, Any] | None = None
        get = results.get
        for key, collect, rule_ids, positions in self.tables:
            found = get(key)
            if collect:
                hits = (
                    {h[RULE_ID_FIELD]: h for h in found if isinstance(h, dict)} if found else None
                )
                entries = [
                    {"step": key, "rule_id": rule_id, "hit": False, "outputs": {}}
                    for rule_id in rule_ids
                ]
                rule_results += entries
                if not hits:
                    continue
                # a hit replaces its rule's entry; reasons are taken in the rules' order
                hit_positions = sorted(positions[r] for r in hits if r in positions)
                for position in hit_positions:
                    rule_id = rule_ids[position]
                    outputs = _plain_outputs(hits[rule_id])
                    entries[position].update(hit=True, outputs=outputs)
                    bucket = declines if outputs.get("action") == "decline" else reviews
                    bucket.append(str(outputs.get("reason_code", rule_id)))
            elif isinstance(found, dict) and found.get(RULE_ID_FIELD) is not None:
                matrix = _plain_outputs(found)
                rule_results.append(
                    {"step": key, "rule_id": found[RULE_ID_FIELD], "hit": True, "outputs": matrix}
                )
        features: dict[str, Any] = {}
        for key in self.feature_keys:
            if key in results:
                value = results[key]
                features[key] = value if type(value) in _PLAIN_TYPES else plain(value)
        return assemble(
            rule_results=rule_results,
            declines=declines,
            reviews=reviews,
            matrix=matrix,
            score_result=score_result,
            missing=missing,
            error=error,
            features=features,
            point_texts=self._point_texts,
        )


def assemble(
    *,
    rule_results: list[dict[str, Any]],
    declines: list[str],
    reviews: list[str],
    matrix: dict[str, Any] | None,
    score_result: Any,
    missing: list[str],
    error: str,
    features: dict[str, Any],
    point_texts: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, Any]:
    """`point_texts` are the card's points as text by variable and bin, when known."""
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
        "score_points": _score_points(score_result, point_texts or {}) if score_result else {},
        "score_reason_codes": score_reasons,
        "missing": missing,
        "error": error,
    }


def _score_points(score_result: RowScore, texts: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    if not texts:
        return {k: decimal_text(v) for k, v in score_result.points.items()}
    return {name: texts[name][index] for name, index in score_result.bins.items()}


def _plain_outputs(hit: Mapping[str, Any]) -> dict[str, Any]:
    outputs: dict[str, Any] = {}
    for k, v in hit.items():
        if k != RULE_ID_FIELD:
            outputs[k] = v if type(v) in _PLAIN_TYPES else plain(v)
    return outputs


def plain(value: Any) -> Any:
    """JSON-stable: fractional numbers as decimal strings, containers walked."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if isinstance(value, float | Decimal):
        return decimal_text(value)
    if isinstance(value, bool | int | str):
        return value
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
    if type(value) is int and -_PLAIN_INT < value < _PLAIN_INT:
        return f"{value}.00"
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        return None
    return str(number.quantize(CENT, rounding=ROUND_HALF_UP))
