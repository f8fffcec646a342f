"""One table cell or expression, compiled once by zen and evaluated with a small context.

zen keeps numbers as 28-digit decimals. A compiled expression hands them to Python through a
float conversion that is not correctly rounded, while a graph evaluation passes their decimal
text, so a number result is read again as `string(...)` and converted the way the graph does
(`graph_number`). A fractional result travels on as `Exact`: cells that read it get it as JSON
text (zen parses a string context as JSON, digits intact), just as a graph node would see it.

A unary test made only of number comparisons (`>= 5`, `< 22, > 55`, `[600..640)`) or of
`true` / `false` is decided in Python, comparing the decimals zen would compare; the tests in
`tests/test_engine_fast.py` hold it to zen's answers.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

import zen

_I64 = 2**63
_U64 = 2**64
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONSTANT = re.compile(r'\s*(?:"[^"\\$`{}]*"|-?[0-9]+(?:\.[0-9]+)?|true|false|null)\s*')
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
_COMPARISON = re.compile(rf"\s*(<=|>=|<|>)\s*({_NUMBER})\s*")
_INTERVAL = re.compile(rf"\s*([\[(])\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*([\])])\s*")
_SCALED = re.compile(
    r"\s*(<=|>=|<|>)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\?\?\s*0\s*\)\s*\*\s*([0-9]{1,6})\s*"
)
_MAX_DIGITS = 15  # a literal this short is the exact repr of its nearest double
_FLOAT_TEXT = zen.compile_expression("string(v)")
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`")
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
_REMEMBERED = 65536  # answers kept per test, and float conversions, before starting afresh
_DECIMALS: dict[float, Decimal] = {}  # zen's decimal for a float (a score repeats often)


class Unsupported(Exception):
    """The fast path cannot reproduce the graph for this input: evaluate it with the graph."""


class Exact(NamedTuple):
    """A zen number not written as an int: its text, and what the graph returns for it."""

    text: str
    value: int | float


Test = Callable[[Any], bool]


def references(text: str, names: frozenset[str]) -> tuple[str, ...]:
    """Every name of `names` the text might read: over-inclusion is harmless, omission is not."""
    return tuple(sorted(set(_TOKEN.findall(text)) & names))


def graph_number(text: str) -> int | Exact:
    """A zen number from its decimal text: an int when it is written as one that fits 64 bits.

    The graph drops trailing zeros before handing a number to Python (so `5.0` becomes 5), but
    a later node still sees `5.0`; the text is kept for those.
    """
    if "." not in text:
        number = int(text)
        if -_I64 <= number < _U64:
            return number if str(number) == text else Exact(text, number)
        return Exact(text, float(text))
    short = text.rstrip("0").rstrip(".")
    if "." not in short and -_I64 <= int(short) < _U64:
        return Exact(text, int(short))
    return Exact(text, float(short))


def plain_value(value: Any) -> Any:
    """What the graph would hand back to Python for a value of the fast path."""
    return value.value if type(value) is Exact else value


def context_of(env: Mapping[str, Any], names: tuple[str, ...], extra: dict[str, Any]) -> Any:
    """zen's input for a cell: a dict, or JSON text when it carries an exact fraction."""
    context = extra
    exact = False
    for name in names:
        if name in env:
            value = env[name]
            context[name] = value
            exact = exact or type(value) is Exact or type(value) is dict
    for value in extra.values():
        exact = exact or type(value) is Exact or type(value) is dict
    return _json(context) if exact else context


def _json(value: Any) -> str:
    kind = type(value)
    if kind is Exact:
        return str(value.text)
    if kind is dict:
        return "{" + ",".join(f"{json.dumps(k)}:{_json(v)}" for k, v in value.items()) + "}"
    if kind is list:
        return "[" + ",".join(_json(v) for v in value) + "]"
    if kind is float:  # zen reads a float in a dict as its own decimal, not as the repr
        return str(_FLOAT_TEXT.evaluate({"v": value}))
    return json.dumps(value, ensure_ascii=False)


def _typed(text: str) -> str:
    """zen text giving ["n", decimal text] for a number, ["v", value] for a string, a boolean
    or null, and ["x", type] for anything else (left to the graph)."""
    value = f"({text})"
    return (
        f'(type({value}) == "number" ? ["n", string({value})] : '
        f'type({value}) == "string" or type({value}) == "bool" or type({value}) == "null" '
        f'? ["v", {value}] : ["x", type({value})])'
    )


def _untyped(pair: list[Any]) -> Any:
    tag, value = pair
    if tag == "n":
        return graph_number(value)
    if tag == "v":
        return value
    raise Unsupported(f"a result of type {value}")


class Expression:
    """An output cell or a feature: evaluated by zen, numbers read back exactly."""

    def __init__(self, text: str, names: frozenset[str]) -> None:
        self.text = text
        self.names = references(text, names)
        self.reads_outputs = "$" in text
        self._compiled = zen.compile_expression(_typed(text))
        self.constant: Any = None
        self.is_constant = False
        if _CONSTANT.fullmatch(text) and not self.names:
            self.constant = self.evaluate({})
            self.is_constant = True

    def evaluate(self, env: Mapping[str, Any], outputs: dict[str, Any] | None = None) -> Any:
        """The value as the graph would produce it; raises what zen raises."""
        if self.is_constant:
            return self.constant
        extra: dict[str, Any] = {} if outputs is None else {"$": dict(outputs)}
        return _untyped(self._compiled.evaluate(context_of(env, self.names, extra)))


class ExpressionList:
    """Expressions that all read the same input (no `$`), evaluated in one zen call."""

    def __init__(self, expressions: list[Expression]) -> None:
        self.names = tuple(sorted({n for e in expressions for n in e.names}))
        texts = ", ".join(_typed(e.text) for e in expressions)
        self.compiled = zen.compile_expression(f"[{texts}]")

    def evaluate(self, env: Mapping[str, Any]) -> list[Any]:
        context = context_of(env, self.names, {})
        return [_untyped(pair) for pair in self.compiled.evaluate(context)]


class UnaryTest:
    """An input cell: `$` is the column's value. An error means "no match", as in zen.

    A test that reads nothing but `$` and calls no function (`$ != null and not($ in [...])`)
    is a pure function of `$`: zen's answers are remembered per value (a categorical column has
    few values), keyed by type as well, since True == 1 in a dict.
    """

    def __init__(self, text: str, names: frozenset[str]) -> None:
        self.names = references(text, names)
        self._compiled = zen.compile_unary_expression(text)
        self.shortcut = None if self.names else unary_shortcut(text)
        # the shortcut's checks when it is made of number comparisons (`_predicate`'s input)
        self.bounds: list[_Bounds] | None = (
            _checks(text)
            if self.shortcut is not None and text.strip() not in ("true", "false")
            else None
        )
        # `> (income ?? 0) * 20`: for an int `$` and an int (or null) name, exact in Python
        scaled = _SCALED.fullmatch(text)
        self._scaled: tuple[Callable[[Any, Any], bool], str, int] | None = (
            (_OPERATORS[scaled[1]], scaled[2], int(scaled[3]))
            if scaled and scaled[2] in self.names and scaled[2] not in _KEYWORDS
            else None
        )
        bare = set(_TOKEN.findall(_STRING.sub('""', text)))
        self._answers: dict[tuple[type, Any], bool] | None = (
            {}
            if not self.names and bare <= _KEYWORDS and "(" not in text.replace("not(", "")
            else None
        )

    def matches(self, value: Any, env: Mapping[str, Any]) -> bool:
        if self.shortcut is not None:
            return self.shortcut(value)
        kind = type(value)
        scaled = self._scaled
        if scaled is not None and kind is int and -_I64 <= value < _I64:
            compare, name, factor = scaled
            other = env.get(name)
            if other is None:
                return bool(compare(value, 0))
            if type(other) is int and -_I64 <= other < _I64:
                return bool(compare(value, other * factor))
        answers = self._answers
        if answers is not None and (kind is str or kind is int or kind is bool or value is None):
            key = (kind, value)
            answer = answers.get(key)
            if answer is None:
                answer = self._evaluate({"$": value})
                if len(answers) >= _REMEMBERED:
                    answers.clear()
                answers[key] = answer
            return answer
        return self._evaluate(context_of(env, self.names, {"$": value}))

    def _evaluate(self, context: Any) -> bool:
        try:
            return bool(self._compiled.evaluate(context))
        except Exception:  # zen reports a failed test as an error; the graph skips the row
            return False


def comparable(value: Any) -> Any:
    """A number as zen compares it: a float or an exact fraction becomes the Decimal zen holds.

    zen turns a float into a decimal of about 16 digits, not always its repr (it reads
    2999.9999999999995 as 3000), so a comparison in Python must use that decimal.
    """
    kind = type(value)
    if kind is float:
        number = _DECIMALS.get(value)
        if number is None:
            number = Decimal(_FLOAT_TEXT.evaluate({"v": value}))
            if len(_DECIMALS) >= _REMEMBERED:
                _DECIMALS.clear()
            _DECIMALS[value] = number  # 0.0 and -0.0 share a key: both compare as zero
        return number
    if kind is Exact:
        return Decimal(value.text)
    return value


def unary_shortcut(text: str) -> Test | None:
    """A Python predicate equal to zen's for this test, or None when it is not that simple.

    zen compares numbers as decimals and refuses to compare anything else (the row is then
    skipped). An int compared with the double nearest a literal of at most 15 significant
    digits gives the same answer as with the literal (no int lies between them); a float is
    compared as the decimal zen makes of it, a zen result as its decimal (`comparable`).
    """
    stripped = text.strip()
    if stripped in ("true", "false"):
        wanted = stripped == "true"
        return lambda value: value is wanted
    checks = _checks(text)
    return None if checks is None else _predicate(checks)


def single_comparison(text: str) -> Comparison | None:
    """(operator, limit for an int, limit for a Decimal) when the test is one comparison.

    `operator(value, limit)` is what `unary_shortcut(text)` answers for an int `value`, and
    with the Decimal limit for a Decimal (so for `comparable(value)` of a float).
    """
    checks = None if text.strip() in ("true", "false") else _checks(text)
    if checks is None or len(checks) != 1 or len(checks[0]) != 1:
        return None
    return checks[0][0]


def _checks(text: str) -> list[_Bounds] | None:
    checks: list[_Bounds] = []
    for part in text.split(","):
        comparison = _COMPARISON.fullmatch(part)
        interval = _INTERVAL.fullmatch(part)
        if comparison:
            bounds = [(comparison[1], comparison[2])]
        elif interval and Decimal(interval[2]) <= Decimal(interval[3]):
            low = ">=" if interval[1] == "[" else ">"
            high = "<=" if interval[4] == "]" else "<"
            bounds = [(low, interval[2]), (high, interval[3])]
        else:
            return None
        if any(_digits(number) > _MAX_DIGITS for _, number in bounds):
            return None
        checks.append([(_OPERATORS[op], float(n), Decimal(n)) for op, n in bounds])
    return checks


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
Comparison = tuple[Callable[[Any, Any], bool], float, Decimal]
_Bounds = list[Comparison]
_Limits = list[list[tuple[Callable[[Any, Any], bool], Any]]]


def _predicate(checks: list[_Bounds]) -> Test:
    """`value` passes any of the checks (a check is one comparison or an interval)."""
    by_float: _Limits = [[(compare, limit) for compare, limit, _ in bounds] for bounds in checks]
    by_decimal: _Limits = [[(compare, exact) for compare, _, exact in bounds] for bounds in checks]
    if len(checks) == 1 and len(checks[0]) == 1:
        ((compare, limit, exact),) = checks[0]

        def comparison(value: Any) -> bool:
            kind = type(value)
            if kind is int:
                return compare(value, limit)
            if kind is Decimal:
                return compare(value, exact)
            if kind is float or kind is Exact:
                return compare(comparable(value), exact)
            return False

        return comparison

    def any_check(value: Any) -> bool:
        kind = type(value)
        if kind is int:
            limits = by_float
        elif kind is Decimal:
            limits = by_decimal
        elif kind is float or kind is Exact:
            value = comparable(value)
            limits = by_decimal
        else:
            return False
        for bounds in limits:
            for compare, limit in bounds:
                if not compare(value, limit):
                    break
            else:
                return True
        return False

    return any_check


def _digits(number: str) -> int:
    return len(number.lstrip("-").replace(".", "").lstrip("0")) or 1
