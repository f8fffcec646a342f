"""Small sampling helpers for the generator: weighted picks and rounded draws, all from one RNG."""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from statistics import NormalDist
from typing import Generic, TypeVar

T = TypeVar("T")
_STANDARD_NORMAL = NormalDist()


class Weighted(Generic[T]):
    """A fixed weighted population; `pick` costs one random number and a bisection."""

    __slots__ = ("_cumulative", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items = list(pairs)
        if not items:
            raise ValueError("a weighted population needs at least one item")
        self._items = [item for item, _ in items]
        self._cumulative = list(accumulate(weight for _, weight in items))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self._items[bisect_right(self._cumulative, rng.random() * self._total)]


def below(rng: random.Random, n: int) -> int:
    """A uniform integer in [0, n): one call to random(), several times cheaper than randrange."""
    return int(rng.random() * n)


def between(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer in [low, high], both included."""
    return low + int(rng.random() * (high - low + 1))


def one_of(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def zipf(items: Iterable[T], exponent: float = 0.8) -> Weighted[T]:
    """Weights falling with rank, for lists written most popular first."""
    return Weighted((item, 1.0 / (rank + 1) ** exponent) for rank, item in enumerate(items))


def round_to(value: float, step: int) -> int:
    """Round half up to a multiple of `step` (amounts are whole yuan in the generator)."""
    return math.floor(value / step + 0.5) * step


def log_normal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def sigmoid(x: float) -> float:
    if x < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def stable_normal(key: str) -> float:
    """A standard normal draw fixed by `key` alone, reproducible without the generator's RNG."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    uniform = (int.from_bytes(digest, "big") + 0.5) / 2.0**64
    return _STANDARD_NORMAL.inv_cdf(uniform)
