"""The JSON-ready result of one evaluation: outcome, limit, reasons and the full rule trace.

It is built from the graph-shaped results (a list of hit rows per collect table, the hit row or
null per first-hit table, the features by key), whichever evaluator produced them. Fractional
numbers become decimal strings, so that a stored output compares bit for bit with a replay.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
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
            (key, kind == HARD_RULES, rule_ids, _entries_function(key, rule_ids))
            for key, kind, rule_ids in tables
        )
        self.feature_keys = tuple(feature_keys)
        # score_row takes each variable's points from its bin, so their texts are known now
        self._point_texts = (
            {v.name: tuple(decimal_text(p) for p in v.points) for v in scorer.variables}
            if scorer
            else {}
        )
        self.run: _Output = _output_function(self.tables, self.feature_keys, self._point_texts)
        """`output` as one generated function, same answers (the differential tests hold it)."""

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
        for key, collect, rule_ids, entries in self.tables:
            found = get(key)
            if collect:
                hits = (
                    {h[RULE_ID_FIELD]: h for h in found if isinstance(h, dict)} if found else None
                )
                if not hits:
                    rule_results += [
                        {"step": key, "rule_id": rule_id, "hit": False, "outputs": {}}
                        for rule_id in rule_ids
                    ]
                    continue
                # one entry per rule, a hit's in its place; reasons are taken in the rules' order
                rule_results += entries(hits.get, declines, reviews)
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


_Output = Callable[[Mapping[str, Any], RowScore | None, list[str], str], dict[str, Any]]
_ABSENT = object()


def _output_function(
    tables: Sequence[tuple[str, bool, tuple[str, ...], _Entries]],
    feature_keys: Sequence[str],
    point_texts: Mapping[str, tuple[str, ...]],
) -> _Output:
    """`TraceBuilder.output` and `assemble` for one strategy as one generated function.

    The source holds only generated names: step keys, rule ids, feature keys and every other
    value are bound as globals.
    """
    bound: dict[str, Any] = {
        "RID": RULE_ID_FIELD,
        "ABSENT": _ABSENT,
        "PLAIN_TYPES": _PLAIN_TYPES,
        "plain": plain,
        "_plain_outputs": _plain_outputs,
        "decimal_text": decimal_text,
        "money": money,
        "_score_points": _score_points,
        "POINT_TEXTS": point_texts,
        "SEVERITY": _SEVERITY,
        "MAX_REASON_CODES": MAX_REASON_CODES,
        "DATA_INCOMPLETE": DATA_INCOMPLETE,
        "EVALUATION_ERROR": EVALUATION_ERROR,
        "NO_MATRIX_MATCH": NO_MATRIX_MATCH,
        "fromkeys": dict.fromkeys,
    }
    lines = [
        "def output(results, score_result, missing, error):",
        "    get = results.get",
        "    declines = []",
        "    reviews = []",
        "    matrix = None",
        "    rule_results = []",
    ]
    for index, (key, collect, rule_ids, _) in enumerate(tables):
        bound[f"K{index}"] = key
        lines.append(f"    found = get(K{index})")
        if collect:
            bound[f"P{index}"] = {rule_id: number for number, rule_id in enumerate(rule_ids)}
            bound[f"I{index}"] = rule_ids
            misses = []
            for number, rule_id in enumerate(rule_ids):
                bound[f"R{index}_{number}"] = rule_id
                misses.append(
                    f'{{"step": K{index}, "rule_id": R{index}_{number}, "hit": False, '
                    '"outputs": {}}, '
                )
            # each rule's entry in its place, a hit's replacing it; the last hit of a rule wins
            # and reasons are taken in the rules' order, as `entries` does
            lines += [
                "    entries = [" + "".join(misses) + "]",
                "    if found:",
                "        placed = {}",
                "        for h in found:",
                "            if isinstance(h, dict):",
                f"                at = P{index}.get(h[RID])",
                "                if at is not None:",
                "                    placed[at] = h",
                "        for at in sorted(placed):",
                "            outputs = dict(placed[at])",
                "            del outputs[RID]",
                "            for value in outputs.values():",
                "                if type(value) not in PLAIN_TYPES:",
                "                    outputs = {k: plain(v) for k, v in outputs.items()}",
                "                    break",
                '            bucket = declines if outputs.get("action") == "decline" else reviews',
                f'            bucket.append(str(outputs.get("reason_code", I{index}[at])))',
                "            entries[at] = {",
                f'                "step": K{index}, "rule_id": I{index}[at], "hit": True, '
                '"outputs": outputs',
                "            }",
                "    rule_results += entries",
            ]
        else:
            lines += [
                "    if isinstance(found, dict) and found.get(RID) is not None:",
                "        matrix = dict(found)",
                "        del matrix[RID]",
                "        for value in matrix.values():",
                "            if type(value) not in PLAIN_TYPES:",
                "                matrix = {k: plain(v) for k, v in matrix.items()}",
                "                break",
                "        rule_results.append(",
                f'            {{"step": K{index}, "rule_id": found[RID], "hit": True, '
                '"outputs": matrix}',
                "        )",
            ]
    lines.append("    features = {}")
    for index, key in enumerate(feature_keys):
        bound[f"F{index}"] = key
        lines += [
            f"    value = get(F{index}, ABSENT)",
            "    if value is not ABSENT:",
            "        if type(value) is float:",
            "            text = repr(value)",
            '            if "e" in text or "n" in text:',
            "                text = decimal_text(value)",
            '            elif text.endswith(".0"):',
            "                text = text[:-2]",
            f"            features[F{index}] = text",
            "        else:",
            f"            features[F{index}] = value if type(value) in PLAIN_TYPES else plain(value)",
        ]
    lines += [
        "    if score_result:",
        "        score_reasons = list(score_result.reason_codes)",
        "        score = score_result.score",
        "        if type(score) is float:",
        "            text = repr(score)",
        '            if "e" in text or "n" in text:',
        "                score = decimal_text(score)",
        "            else:",
        '                score = text[:-2] if text.endswith(".0") else text',
        "        else:",
        "            score = decimal_text(score)",
        "        score_points = (",
        "            {name: POINT_TEXTS[name][at] for name, at in score_result.bins.items()}",
        "            if POINT_TEXTS",
        "            else _score_points(score_result, POINT_TEXTS)",
        "        )",
        "    else:",
        "        score_reasons = []",
        "        score = None",
        "        score_points = {}",
        '    outcome = "decline" if declines else "approve"',
        "    decisive = declines",
        "    if missing:",
        "        decisive = [*decisive, DATA_INCOMPLETE]",
        "    if error:",
        "        decisive = [*decisive, EVALUATION_ERROR]",
        "    if reviews:",
        "        decisive = decisive + reviews",
        '    if outcome != "decline" and (missing or error or reviews):',
        '        outcome = "manual_review"',
        "    if matrix:",
        '        matrix_outcome = str(matrix.get("outcome"))',
        '        if matrix.get("reason_code"):',
        '            decisive = [*decisive, str(matrix["reason_code"])]',
        "    else:",
        '        matrix_outcome = "manual_review"',
        "        if not error:",
        "            decisive = [*decisive, NO_MATRIX_MATCH]",
        "    if SEVERITY.get(matrix_outcome, 1) > SEVERITY[outcome]:",
        "        outcome = matrix_outcome",
        '    if outcome == "approve" and matrix:',
        '        limit = money(matrix.get("limit"))',
        '        tier = str(matrix.get("pricing_tier") or "")',
        "    else:",
        "        limit = None",
        '        tier = ""',
        "    return {",
        '        "outcome": outcome,',
        '        "limit": limit,',
        '        "pricing_tier": tier,',
        '        "reason_codes": list(fromkeys(decisive + score_reasons))[:MAX_REASON_CODES],',
        '        "rule_results": rule_results,',
        '        "features": features,',
        '        "score": score,',
        '        "score_points": score_points,',
        '        "score_reason_codes": score_reasons,',
        '        "missing": missing,',
        '        "error": error,',
        "    }",
    ]
    exec(compile("\n".join(lines), "<output>", "exec"), bound)  # noqa: S102
    output: _Output = bound["output"]
    return output


_Entries = Callable[
    [Callable[[str], Mapping[str, Any] | None], list[str], list[str]], list[dict[str, Any]]
]


def _entries_function(key: str, rule_ids: tuple[str, ...]) -> _Entries:
    """A collect table's trace entries from its hits by rule id (`get`), one per rule in the
    rules' order, as one generated function; a hit adds its reason to `declines` or `reviews`.

    The source holds only generated names: the step key and the rule ids are bound as globals.
    """
    bound: dict[str, Any] = {"K": key, "_hit_entry": _hit_entry}
    lines = ["def entries(get, declines, reviews):"]
    for index, rule_id in enumerate(rule_ids):
        bound[f"R{index}"] = rule_id
        lines += [
            f"    h = get(R{index})",
            f"    e{index} = ("
            f'{{"step": K, "rule_id": R{index}, "hit": False, "outputs": {{}}}} if h is None '
            f"else _hit_entry(K, R{index}, h, declines, reviews))",
        ]
    lines.append("    return [" + "".join(f"e{i}, " for i in range(len(rule_ids))) + "]")
    exec(compile("\n".join(lines), f"<trace {key!r}>", "exec"), bound)  # noqa: S102
    entries: _Entries = bound["entries"]
    return entries


def _hit_entry(
    key: str, rule_id: str, hit: Mapping[str, Any], declines: list[str], reviews: list[str]
) -> dict[str, Any]:
    outputs = _plain_outputs(hit)
    bucket = declines if outputs.get("action") == "decline" else reviews
    bucket.append(str(outputs.get("reason_code", rule_id)))
    return {"step": key, "rule_id": rule_id, "hit": True, "outputs": outputs}


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
