"""The scorecard card: a versioned JSON document that is all the scorer needs.

Each variable lists its regular bins (numeric split points, or a category → bin map) followed
by three explicit rows: Special (a declared special value such as -999), Missing, and Unknown
(a category never seen in training). Points already include the scaled intercept, spread evenly
over the variables as in optbinning, so a score is the plain sum of one row per variable plus
`intercept.score_offset` (zero for such cards).
"""

from __future__ import annotations

import itertools
from typing import Any

FORMAT = "lendcrm-scorecard"
FORMAT_VERSION = 1
NUMERICAL = "numerical"
CATEGORICAL = "categorical"
SPECIAL_ROWS = ("special", "missing", "unknown")


class CardError(ValueError):
    """The document is not a scorecard card this version can read."""


def check_card(card: Any) -> dict[str, Any]:
    """The card itself when it is readable, else CardError naming the first problem."""
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise CardError(f"not a {FORMAT} document")
    if card.get("format_version") != FORMAT_VERSION:
        raise CardError(f"unsupported format_version {card.get('format_version')!r}")
    variables = card.get("variables")
    if not isinstance(variables, list) or not variables:
        raise CardError("the card has no variables")
    for variable in variables:
        _check_variable(variable)
    return card


def _check_variable(variable: Any) -> None:
    if not isinstance(variable, dict) or not isinstance(variable.get("name"), str):
        raise CardError("every variable needs a name")
    name = variable["name"]
    bins = variable.get("bins")
    if not isinstance(bins, list) or not bins:
        raise CardError(f"{name}: no bins")
    for row in SPECIAL_ROWS:
        if not isinstance(variable.get(row), dict) or "points" not in variable[row]:
            raise CardError(f"{name}: no {row} row")
    if variable.get("dtype") == NUMERICAL:
        splits = variable.get("splits")
        if not isinstance(splits, list) or len(splits) != len(bins) - 1:
            raise CardError(f"{name}: {len(bins)} bins need {len(bins) - 1} split points")
        if any(b <= a for a, b in itertools.pairwise(splits)):
            raise CardError(f"{name}: split points must increase")
    elif variable.get("dtype") == CATEGORICAL:
        categories = variable.get("categories")
        if not isinstance(categories, dict) or any(
            not isinstance(i, int) or not 0 <= i < len(bins) for i in categories.values()
        ):
            raise CardError(f"{name}: categories must map to bin numbers")
    else:
        raise CardError(f"{name}: dtype must be {NUMERICAL} or {CATEGORICAL}")


def points_table(variable: dict[str, Any]) -> list[float]:
    """Points of the regular bins, then Special, Missing and Unknown, in that order."""
    rows = [*variable["bins"], *(variable[row] for row in SPECIAL_ROWS)]
    return [float(row["points"]) for row in rows]


def best_points(variable: dict[str, Any]) -> float:
    """The most points the variable can give: the reference for its reason code."""
    return max(points_table(variable))
