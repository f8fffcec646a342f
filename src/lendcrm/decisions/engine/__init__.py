"""The decision engine: our strategy document, every cell of it evaluated by zen-engine.

Each segment is compiled cell by cell (the fast path) and as a JDM graph (the reference).

Callers use `compile_strategy()` and `CompiledStrategy.evaluate()` only, so the evaluator
behind them can be replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lendcrm.decisions.engine.compiled import CompiledStrategy, CompileError, InputRejected
from lendcrm.decisions.engine.definition import DefinitionError, Problem, check_definition
from lendcrm.decisions.engine.document import canonical_json, content_hash_of

__all__ = [
    "CompileError",
    "CompiledStrategy",
    "DefinitionError",
    "InputRejected",
    "Problem",
    "cached_strategy",
    "canonical_json",
    "check_definition",
    "compile_strategy",
    "content_hash_of",
]

_CACHE: dict[str, CompiledStrategy] = {}
_CACHE_SIZE = 64


def cached_strategy(cache_key: str) -> CompiledStrategy | None:
    return _CACHE.get(cache_key)


def compile_strategy(
    definition: Mapping[str, Any], *, cards: Mapping[int, Mapping[str, Any]], cache_key: str = ""
) -> CompiledStrategy:
    """Compiled once per key (a version's content hash plus its scorecards), then reused."""
    if cache_key and cache_key in _CACHE:
        return _CACHE[cache_key]
    compiled = CompiledStrategy(definition, cards=cards)
    if cache_key:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[cache_key] = compiled
    return compiled
