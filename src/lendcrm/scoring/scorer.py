"""Scores applicants from a card, without the training library.

A batch is vectorised: numeric bins by np.searchsorted on the split points, categories through
a map built once per distinct value. One row is plain Python (bisect and dict look-ups), which
is faster than numpy for a single applicant: an int or a text, the usual values, is binned
inline from tables built with the card (points and reason-code shortfalls per bin), anything
else by `bin_index`. Both add the variables' points in the card's order,
starting from 0.0, exactly as optbinning's Scorecard.score() does, so the scores are
bit-for-bit equal to it.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from lendcrm.scoring.card import CATEGORICAL, best_points, check_card, points_table

MAX_REASON_CODES = 4
_EXACT_INT = 2**53  # an int this small is its own float: bisecting it gives float()'s bin
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class CompiledVariable:
    name: str
    is_categorical: bool
    splits: tuple[float, ...]
    categories: Mapping[str, int]
    points: tuple[float, ...]  # regular bins, then Special, Missing, Unknown
    best: float

    @property
    def special_index(self) -> int:
        return len(self.points) - 3

    @property
    def missing_index(self) -> int:
        return len(self.points) - 2

    @property
    def unknown_index(self) -> int:
        return len(self.points) - 1


@dataclass(frozen=True)
class RowScore:
    score: float
    points: dict[str, float]
    bins: dict[str, int]
    reason_codes: list[str]


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


class Scorer:
    def __init__(self, card: Mapping[str, Any]) -> None:
        checked = check_card(dict(card))
        self.special_codes: frozenset[Any] = frozenset(checked.get("special_codes") or ())
        self.score_offset = float(checked.get("intercept", {}).get("score_offset", 0.0))
        self.variables = tuple(_compile(v) for v in checked["variables"])
        self._points_arrays = [np.asarray(v.points, dtype=np.float64) for v in self.variables]
        self._splits_arrays = [np.asarray(v.splits, dtype=np.float64) for v in self.variables]
        self._special_array = np.asarray(
            [c for c in self.special_codes if isinstance(c, int | float)], dtype=np.float64
        )
        self._row_plan = tuple(_row_plan(v, i) for i, v in enumerate(self.variables))
        self.score_row_generated: Callable[[Mapping[str, object]], RowScore] = _score_function(self)
        """`score_row` as one generated function, variable by variable: the same answers."""

    @property
    def variable_names(self) -> list[str]:
        return [v.name for v in self.variables]

    # One applicant ------------------------------------------------------------------------
    def bin_index(self, variable: CompiledVariable, value: object) -> int:
        if _is_missing(value):
            return variable.missing_index
        if variable.is_categorical:
            if _is_special(value, self.special_codes):
                return variable.special_index
            return variable.categories.get(str(value), variable.unknown_index)
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return variable.unknown_index
        if math.isnan(number):
            return variable.missing_index
        if number in self.special_codes:
            return variable.special_index
        return bisect.bisect_right(variable.splits, number)

    def score_row(self, row: Mapping[str, object]) -> RowScore:
        total = 0.0
        points: dict[str, float] = {}
        bins: dict[str, int] = {}
        adverse: list[tuple[float, int]] = []
        specials = self.special_codes
        get = row.get
        for variable, name, numeric, splits, categories, special, table, gaps in self._row_plan:
            value: Any = get(name)
            kind = type(value)
            if kind is int and numeric and -_EXACT_INT < value < _EXACT_INT:
                index = special if value in specials else bisect.bisect_right(splits, value)
            elif kind is str and not numeric:
                if value in specials:
                    index = special
                else:
                    index = categories.get(value, variable.unknown_index)
            else:
                index = self.bin_index(variable, value)
            bins[name] = index
            point = table[index]
            points[name] = point
            total += point
            gap = gaps[index]
            if gap is not None:
                adverse.append(gap)
        adverse.sort()  # largest shortfall first, then card order
        reasons = [self.variables[i].name for _, i in adverse[:MAX_REASON_CODES]]
        return RowScore(total + self.score_offset, points, bins, reasons)

    # A batch ------------------------------------------------------------------------------
    def bin_indices(self, columns: Mapping[str, Any]) -> IntArray:
        """(rows × variables) bin numbers; a variable absent from `columns` is missing."""
        size = _batch_size(columns)
        out = np.empty((size, len(self.variables)), dtype=np.intp)
        for j, variable in enumerate(self.variables):
            values = columns.get(variable.name)
            if values is None:
                out[:, j] = variable.missing_index
            elif variable.is_categorical:
                out[:, j] = self._categorical_indices(variable, values)
            else:
                out[:, j] = self._numeric_indices(j, variable, values)
        return out

    def points_matrix(self, indices: IntArray) -> FloatArray:
        points = np.empty(indices.shape, dtype=np.float64)
        for j, table in enumerate(self._points_arrays):
            points[:, j] = table[indices[:, j]]
        return points

    def score_batch(self, columns: Mapping[str, Any]) -> FloatArray:
        indices = self.bin_indices(columns)
        total = np.zeros(indices.shape[0], dtype=np.float64)
        for j, table in enumerate(self._points_arrays):
            total += table[indices[:, j]]
        result: FloatArray = total + self.score_offset
        return result

    def reason_code_matrix(self, points: FloatArray) -> IntArray:
        """(rows × 4): 1 + the variable number of each reason, largest shortfall first; 0 = none."""
        best = np.asarray([v.best for v in self.variables], dtype=np.float64)
        shortfall = best[np.newaxis, :] - points
        top = np.argsort(-shortfall, axis=1, kind="stable")[:, :MAX_REASON_CODES]
        gaps = np.take_along_axis(shortfall, top, axis=1)
        codes: IntArray = np.where(gaps > 0, top + 1, 0).astype(np.intp)
        return codes

    def reason_codes_batch(self, points: FloatArray) -> list[list[str]]:
        names = self.variable_names
        return [
            [names[c - 1] for c in row if c] for row in self.reason_code_matrix(points).tolist()
        ]

    def joined_reason_codes(self, points: FloatArray, separator: str = ";") -> npt.NDArray[Any]:
        """Each row's reason codes as one string, built once per distinct combination."""
        codes = self.reason_code_matrix(points)
        weights = (len(self.variables) + 1) ** np.arange(codes.shape[1], dtype=np.int64)
        keys = codes.astype(np.int64) @ weights
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        names = self.variable_names
        labels = [separator.join(names[c - 1] for c in codes[i] if c) for i in first]
        return np.asarray(labels, dtype=object)[inverse]

    def _numeric_indices(self, j: int, variable: CompiledVariable, values: Any) -> IntArray:
        try:
            x = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            return np.fromiter(
                (self.bin_index(variable, v) for v in values), dtype=np.intp, count=len(values)
            )
        idx = np.searchsorted(self._splits_arrays[j], x, side="right").astype(np.intp)
        if self._special_array.size:
            idx[np.isin(x, self._special_array)] = variable.special_index
        idx[np.isnan(x)] = variable.missing_index
        return idx

    def _categorical_indices(self, variable: CompiledVariable, values: Any) -> IntArray:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        lookup = [self.bin_index(variable, u) for u in uniques]
        lookup.append(variable.missing_index)  # factorize marks missing values with code -1
        result: IntArray = np.asarray(lookup, dtype=np.intp)[codes]
        return result


def _is_special(value: object, special_codes: frozenset[Any]) -> bool:
    try:
        return value in special_codes
    except TypeError:
        return False


def _compile(variable: Mapping[str, Any]) -> CompiledVariable:
    return CompiledVariable(
        name=variable["name"],
        is_categorical=variable["dtype"] == CATEGORICAL,
        splits=tuple(float(s) for s in variable.get("splits") or ()),
        categories={str(k): int(i) for k, i in (variable.get("categories") or {}).items()},
        points=tuple(points_table(dict(variable))),
        best=best_points(dict(variable)),
    )


_RowPlan = tuple[
    CompiledVariable,
    str,
    bool,
    tuple[float, ...],
    Mapping[str, int],
    int,
    tuple[float, ...],
    tuple[tuple[float, int] | None, ...],
]


def _row_plan(variable: CompiledVariable, position: int) -> _RowPlan:
    """What score_row needs of a variable; per bin, (-shortfall, position) when it is adverse."""
    gaps = []
    for point in variable.points:
        shortfall = variable.best - point
        gaps.append((-shortfall, position) if shortfall > 0 else None)
    return (
        variable,
        variable.name,
        not variable.is_categorical,
        variable.splits,
        variable.categories,
        variable.special_index,
        variable.points,
        tuple(gaps),
    )


def _score_function(scorer: Scorer) -> Callable[[Mapping[str, object]], RowScore]:
    """`Scorer.score_row` unrolled into one generated function.

    The source holds only generated names: names, splits, points and every other value of the
    card are bound as globals.
    """
    bound: dict[str, Any] = {
        "EXACT_INT": _EXACT_INT,
        "SPECIALS": scorer.special_codes,
        "OFFSET": scorer.score_offset,
        "NAMES": tuple(v.name for v in scorer.variables),
        "MAX_REASON_CODES": MAX_REASON_CODES,
        "RowScore": RowScore,
        "bin_index": scorer.bin_index,
        "bisect_right": bisect.bisect_right,
    }
    lines = ["def score_row(row):", "    get = row.get", "    adverse = []"]
    plan = scorer._row_plan
    for i, (variable, name, numeric, splits, categories, special, table, gaps) in enumerate(plan):
        bound.update(
            {
                f"V{i}": variable,
                f"N{i}": name,
                f"B{i}": splits,
                f"C{i}": categories,
                f"S{i}": special,
                f"U{i}": variable.unknown_index,
                f"T{i}": table,
                f"G{i}": gaps,
            }
        )
        lines.append(f"    v = get(N{i})")
        if numeric:
            lines += [
                "    if type(v) is int and -EXACT_INT < v < EXACT_INT:",
                f"        i{i} = S{i} if v in SPECIALS else bisect_right(B{i}, v)",
            ]
        else:
            lines += [
                "    if type(v) is str:",
                f"        i{i} = S{i} if v in SPECIALS else C{i}.get(v, U{i})",
            ]
        lines += [
            "    else:",
            f"        i{i} = bin_index(V{i}, v)",
            f"    p{i} = T{i}[i{i}]",
            f"    gap = G{i}[i{i}]",
            "    if gap is not None:",
            "        adverse.append(gap)",
        ]
    count = len(plan)
    total = "".join(f" + p{i}" for i in range(count))
    points = "".join(f"N{i}: p{i}, " for i in range(count))
    bins = "".join(f"N{i}: i{i}, " for i in range(count))
    lines += [
        "    adverse.sort()",
        "    reasons = [NAMES[i] for _, i in adverse[:MAX_REASON_CODES]]",
    ]
    if hasattr(RowScore, "__slots__"):
        lines.append(f"    return RowScore(0.0{total} + OFFSET, {{{points}}}, {{{bins}}}, reasons)")
    else:  # RowScore's fields set as its frozen __init__ sets them, without its setattr calls
        bound["new"] = object.__new__
        lines += [
            "    result = new(RowScore)",
            "    fields = result.__dict__",
            f'    fields["score"] = 0.0{total} + OFFSET',
            f'    fields["points"] = {{{points}}}',
            f'    fields["bins"] = {{{bins}}}',
            '    fields["reason_codes"] = reasons',
            "    return result",
        ]
    exec(compile("\n".join(lines), "<score_row>", "exec"), bound)  # noqa: S102
    function: Callable[[Mapping[str, object]], RowScore] = bound["score_row"]
    return function


def _batch_size(columns: Mapping[str, Any]) -> int:
    sizes = {len(values) for values in columns.values()}
    if len(sizes) != 1:
        raise ValueError("every column of a batch needs the same number of rows")
    return sizes.pop()


def score_frame(scorer: Scorer, frame: pd.DataFrame) -> tuple[FloatArray, npt.NDArray[Any]]:
    """Scores of every row of a data frame, and its reason codes joined with ";"."""
    columns = {name: frame[name].to_numpy() for name in scorer.variable_names if name in frame}
    if not columns:
        raise ValueError("the input has none of the card's variables")
    indices = scorer.bin_indices(columns)
    points = scorer.points_matrix(indices)
    total = np.zeros(points.shape[0], dtype=np.float64)
    for j in range(points.shape[1]):
        total += points[:, j]
    return total + scorer.score_offset, scorer.joined_reason_codes(points)
