"""The cell-by-cell evaluator against zen's graph (the reference): same output, every time."""

from __future__ import annotations

import copy
import random
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pytest
import zen
from hypothesis import given
from hypothesis import strategies as st

from lendcrm.decisions.engine import CompiledStrategy
from lendcrm.decisions.engine.cells import Exact, UnaryTest, graph_number, unary_shortcut
from lendcrm.decisions.engine.compiled import EVALUATION_ERROR, money, plain
from lendcrm.decisions.tests.test_engine import GOOD

SHORTCUT_TESTS = [
    "> 0",
    ">= 5",
    "< 3000",
    "<= -3.5",
    "> 0.7",
    ">= 0.1",
    "[600..640)",
    "(1..2]",
    "[0.3..0.4]",
    "< 22, > 55",
    "true",
    "false",
]
AWKWARD = [
    None,
    True,
    False,
    "a",
    "5",
    0,
    -0.0,
    1,
    5,
    22,
    55,
    600,
    640,
    3000,
    0.1,
    0.3,
    0.4,
    0.7,
    0.7000000000000001,
    0.6999999999999999,
    639.9999999999999,
    21.999999999999996,
    2999.9999999999995,
    -3.5,
    -3.5000000000000004,
    Exact("0.7000000000000000000000000001", 0.7),
    Exact("0.70", 0.7),
    Exact("0.6999999999999999999999999999", 0.7),
    Exact("640.0", 640),
    Exact("0.3333333333333333333333333333", 0.3333333333333333),
]


def _zen_unary(text: str, value: Any) -> bool:
    context: Any = {"$": value}
    if isinstance(value, Exact):
        context = f'{{"$": {value.text}}}'
    try:
        return bool(zen.compile_unary_expression(text).evaluate(context))
    except Exception:  # zen's error is the graph's "no match"
        return False


@pytest.mark.parametrize("text", SHORTCUT_TESTS)
def test_unary_shortcuts_agree_with_zen_on_awkward_values(text: str) -> None:
    shortcut = unary_shortcut(text)
    assert shortcut is not None
    assert [shortcut(v) for v in AWKWARD] == [_zen_unary(text, v) for v in AWKWARD]


def _rounded(value: float, places: int | None) -> float:
    return value if places is None else round(value, places)


@given(
    st.builds(
        _rounded,
        st.floats(min_value=-1e6, max_value=1e6).filter(lambda x: x == 0 or abs(x) >= 1e-4),
        st.sampled_from([0, 1, 2, 3, None]),
    )
)
def test_unary_shortcuts_agree_with_zen_on_any_float(value: float) -> None:
    for text in SHORTCUT_TESTS:
        shortcut = unary_shortcut(text)
        assert shortcut is not None
        assert shortcut(value) == _zen_unary(text, value), text


@pytest.mark.parametrize("text", ["> x", "$ > 0", "5", "> 1e3", "> 0.12345678901234567", "[5..1]"])
def test_other_unary_tests_are_left_to_zen(text: str) -> None:
    assert unary_shortcut(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5),
        ("5.00", Exact("5.00", 5)),
        ("-0", Exact("-0", 0)),
        ("0.50", Exact("0.50", 0.5)),
        ("0.6666666666666666666666666667", Exact("0.6666666666666666666666666667", 2 / 3)),
        ("18446744073709551615", 18446744073709551615),
        ("18446744073709551616", Exact("18446744073709551616", 1.8446744073709552e19)),
    ],
)
def test_zen_numbers_are_read_as_the_graph_returns_them(text: str, expected: Any) -> None:
    assert graph_number(text) == expected
    assert type(graph_number(text)) is type(expected)


# The shipped strategy ------------------------------------------------------------------------
NUMBERS = [0, 1, 2, 5, 8, 10, 15, 22, 55, 3000, 2999.5, 640, 0.7, 84000, 4200.5, 10**6, -1]
SPECIAL: dict[str, list[Any]] = {
    "age": [21, 22, 55, 56, 21.5, 55.000001],
    "province": ["北京市", "青海省", "", "Beijing", None],
    "monthly_income": [0, 2999, 3000, 10000, 4200.5, 1e-5, 10**20],
    "requested_amount": [60000, 200000, 200001, "60000.50"],
    "bureau_loan_balance": [84000, 83999, 84001, "120000.50", 0],
    "education": ["master", "phd", None],
    "housing": ["owned", "tent", None],
}


SCALED_TESTS = ["> (m ?? 0) * 20", ">= (m ?? 0) * 3", " < ( m ?? 0 ) * 1 ", "<= (m ?? 0)*20"]
SCALED_VALUES: list[Any] = [None, True, 0, 1, -5, 59, 60, 61, 2**62, -(2**63), 2**63, 10**30, 0.5]
SCALED_OTHERS: list[Any] = [*SCALED_VALUES, "x", "3", Exact("0.70", 0.7), Exact("3.0", 3)]


@pytest.mark.parametrize("text", SCALED_TESTS)
def test_scaled_comparisons_decided_in_python_agree_with_zen(text: str) -> None:
    test = UnaryTest(text, frozenset({"m"}))
    assert test._scaled is not None
    by_zen = UnaryTest(text, frozenset({"m"}))
    by_zen._scaled = None
    for value in SCALED_VALUES:
        assert test.matches(value, {}) == by_zen.matches(value, {}), (value, "absent")
        for other in SCALED_OTHERS:
            env = {"m": other}
            assert test.matches(value, env) == by_zen.matches(value, env), (value, other)


def _applicant(rng: random.Random, definition: dict[str, Any]) -> dict[str, Any]:
    """A good applicant with one to five inputs changed to awkward values."""
    applicant = dict(GOOD)
    specs = rng.sample(definition["inputs"], rng.randint(1, 5))
    for spec in specs:
        name, kind = spec["name"], spec["type"]
        roll = rng.random()
        if roll < 0.1:
            del applicant[name]
        elif roll < 0.2:
            applicant[name] = None
        elif kind == "boolean":
            applicant[name] = rng.random() < 0.3
        elif name in SPECIAL and rng.random() < 0.6:
            applicant[name] = rng.choice(SPECIAL[name])
        elif kind == "number":
            applicant[name] = rng.choice([*NUMBERS, rng.randint(0, 200000), rng.random() * 9])
        else:
            applicant[name] = rng.choice(["北京市", "上海市", "青海省", "x"])
    return applicant


def _outcome(compiled: CompiledStrategy, applicant: dict[str, Any]) -> Any:
    try:
        output = compiled.evaluate(applicant)
    except Exception as exc:  # both must refuse the same input the same way
        return (type(exc).__name__, str(exc).split("\n", 1)[0])
    return (output["outcome"], output)


def test_fast_and_graph_agree_on_3000_generated_applicants(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    fast = CompiledStrategy(definition, cards={0: card})
    graph = CompiledStrategy(definition, cards={0: card}, reference=True)
    rng = random.Random(20261124)
    applicants = [_applicant(rng, definition) for _ in range(3000)]
    outcomes = {str(_outcome(graph, a)[0]) for a in applicants[:300]}
    assert outcomes >= {"approve", "manual_review", "decline", "InputRejected", "Exception"}
    for number, applicant in enumerate(applicants):
        assert _outcome(fast, applicant) == _outcome(graph, applicant), f"applicant {number}"


def _walking(compiled: CompiledStrategy) -> CompiledStrategy:
    """The same strategy, its tables walked row plan by row plan instead of generated."""
    assert compiled._fast is not None
    for segment in compiled._fast.values():
        assert segment.generated
        assert all(step.run is not None for step in segment.steps if hasattr(step, "rows"))
        segment.generated = False
    return compiled


def test_generated_tables_walk_and_graph_agree_on_3000_generated_applicants(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    generated = CompiledStrategy(definition, cards={0: card})
    walking = _walking(CompiledStrategy(definition, cards={0: card}))
    graph = CompiledStrategy(definition, cards={0: card}, reference=True)
    rng = random.Random(20261125)
    for number in range(3000):
        applicant = _applicant(rng, definition)
        expected = _outcome(graph, applicant)
        assert _outcome(generated, applicant) == expected, f"applicant {number}"
        assert _outcome(walking, applicant) == expected, f"applicant {number}"
        assert _prepared(generated._prepare, applicant) == _prepared(
            generated._prepare_walk, applicant
        ), f"applicant {number}"


def _traced_by_walk(compiled: CompiledStrategy) -> CompiledStrategy:
    """The same strategy, its output built by `TraceBuilder.output` and `assemble`, and its
    scorecard by `Scorer.score_row`, instead of the functions generated for them."""
    compiled._trace.run = compiled._trace.output
    if compiled.scorer is not None:
        compiled.scorer.score_row_generated = compiled.scorer.score_row
        if compiled._score_first is not None:
            compiled._score_first = compiled.scorer.score_row
    return compiled


@pytest.mark.parametrize("reference", [False, True])
def test_generated_trace_and_trace_builder_agree_on_3000_generated_applicants(
    definition: dict[str, Any], card: dict[str, Any], reference: bool
) -> None:
    generated = CompiledStrategy(definition, cards={0: card}, reference=reference)
    walk = _traced_by_walk(CompiledStrategy(definition, cards={0: card}, reference=reference))
    assert generated._trace.run is not generated._trace.output
    rng = random.Random(20261127)
    for number in range(3000):
        applicant = _applicant(rng, definition)
        got, expected = _outcome(generated, applicant), _outcome(walk, applicant)
        assert got == expected, f"applicant {number}"
        assert repr(got) == repr(expected), f"applicant {number}"  # same order, same types


def test_generated_trace_and_trace_builder_agree_on_awkward_results(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    """Missing inputs, an error, no matrix hit, odd hits: every branch of `assemble`."""
    fast = CompiledStrategy(definition, cards={0: card})
    trace = fast._trace
    rng = random.Random(20261128)
    score = fast.scorer.score_row(GOOD) if fast.scorer is not None else None
    checked = 0
    for _ in range(600):
        results = _fast_results(fast, _applicant(rng, definition))
        if results is None:
            continue
        for variant in range(4):
            changed = dict(results)
            if variant == 1:
                changed.pop("matrix", None)
            elif variant == 2:
                changed["matrix"] = {"rule_id": "M", "outcome": "decline", "limit": 1.005}
            elif variant == 3:
                changed["hard_rules"] = [{"rule_id": "H01_BLACKLIST"}, "x"]
            for missing, error in (([], ""), (["age"], ""), ([], "boom"), (["a"], "e")):
                for scored in (score, None):
                    expected = trace.output(changed, scored, list(missing), error)
                    got = trace.run(changed, scored, list(missing), error)
                    assert repr(got) == repr(expected)
                    checked += 1
    assert checked > 1000


def _prepared(prepare: Any, applicant: dict[str, Any]) -> Any:
    try:
        values, missing, safe = prepare(applicant)
    except Exception as exc:
        return (type(exc).__name__, str(exc))
    return (list(values.items()), [type(v) for v in values.values()], missing, safe)


def _collect_entries(key: str, rule_ids: tuple[str, ...], found: Any) -> tuple[list[Any], ...]:
    """A collect table's trace entries and reasons, rule by rule (what `trace` generates)."""
    hits = {h["rule_id"]: h for h in found if isinstance(h, dict)} if found else {}
    entries: list[Any] = []
    declines: list[str] = []
    reviews: list[str] = []
    for rule_id in rule_ids:
        hit = hits.get(rule_id)
        outputs = {k: plain(v) for k, v in hit.items() if k != "rule_id"} if hit else {}
        entries.append(
            {"step": key, "rule_id": rule_id, "hit": hit is not None, "outputs": outputs}
        )
        if hit is not None:
            bucket = declines if outputs.get("action") == "decline" else reviews
            bucket.append(str(outputs.get("reason_code", rule_id)))
    return entries, declines, reviews


def _fast_results(fast: CompiledStrategy, applicant: dict[str, Any]) -> Any:
    """The fast segment's results for an applicant it handles, else None."""
    assert fast._fast is not None
    try:
        context, _missing, safe = fast._prepare(applicant)
        context["score"] = 600.5
        return fast._fast["all"].evaluate(context) if safe else None
    except Exception:  # rejected inputs and failing expressions are checked elsewhere
        return None


def test_generated_trace_entries_agree_with_a_rule_by_rule_walk(
    definition: dict[str, Any], card: dict[str, Any]
) -> None:
    fast = CompiledStrategy(definition, cards={0: card})
    assert fast._fast is not None
    rng = random.Random(20261126)
    collect = [t for t in fast._trace.tables if t[1]]
    assert collect
    seen_hits = 0
    for _ in range(1000):
        results = _fast_results(fast, _applicant(rng, definition))
        if results is None:
            continue
        for key, _, rule_ids, entries in collect:
            found = results.get(key)
            if not found:
                continue
            declines: list[str] = []
            reviews: list[str] = []
            hits = {h["rule_id"]: h for h in found if isinstance(h, dict)}
            got = entries(hits.get, declines, reviews)
            assert (got, declines, reviews) == _collect_entries(key, rule_ids, found)
            seen_hits += 1
    assert seen_hits > 100


def test_ordinary_applicants_never_need_the_graph(
    definition: dict[str, Any], card: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = CompiledStrategy(definition, cards={0: card})
    monkeypatch.setattr(fast, "_graph_results", _refuse)
    rng = random.Random(7)
    for _ in range(300):
        applicant = {
            "age": rng.randint(18, 70),
            "province": rng.choice(["北京市", "青海省"]),
            "monthly_income": rng.choice([2500, 4200.5, 9000, None]),
            "identity_verified": rng.random() < 0.9,
            "requested_amount": rng.choice([10000, 300000]),
            "blacklist_hit": False,
            "graylist_hit": rng.random() < 0.1,
            "ml_applications_6m": rng.randint(0, 12),
            "bureau_loan_balance": rng.choice([0, 84000, None]),
        }
        fast.evaluate(applicant)


def _refuse(key: str, merged: dict[str, Any]) -> Any:
    raise AssertionError("the graph was evaluated")


# Small strategies ----------------------------------------------------------------------------
def _matrix(rows: list[dict[str, str]], inputs: list[str], *, rc: bool = False) -> dict[str, Any]:
    outputs = [
        {"id": "p1", "field": "outcome"},
        {"id": "p2", "field": "limit"},
        {"id": "p3", "field": "pricing_tier"},
    ] + ([{"id": "p4", "field": "reason_code"}] if rc else [])
    return {
        "key": "matrix",
        "type": "decision_matrix",
        "table": {
            "hitPolicy": "first",
            "inputs": [{"id": f"m{i}", "field": f} for i, f in enumerate(inputs)],
            "outputs": outputs,
            "rules": rows,
        },
    }


def _hard(rows: list[dict[str, str]], inputs: list[str], key: str = "hard") -> dict[str, Any]:
    return {
        "key": key,
        "type": "hard_rules",
        "table": {
            "hitPolicy": "collect",
            "inputs": [{"id": f"c{i}", "field": f} for i, f in enumerate(inputs)],
            "outputs": [{"id": "o1", "field": "reason_code"}, {"id": "o2", "field": "action"}],
            "rules": rows,
        },
    }


def _document(*steps: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "lendcrm-strategy",
        "format_version": 1,
        "inputs": [
            {"name": "x", "type": "number"},
            {"name": "income", "type": "number"},
            {"name": "city", "type": "string"},
            {"name": "flag", "type": "boolean"},
        ],
        "steps": list(steps),
    }


FEATURES = {
    "key": "features",
    "type": "expressions",
    "expressions": [
        {"key": "third", "value": "x / 3"},
        {"key": "scaled", "value": "x * 1.0"},
        {"key": "own", "value": "$.third * 3"},
    ],
}
LATER = {
    "key": "later",
    "type": "expressions",
    "expressions": [
        {"key": "label", "value": 'string(scaled) + "/" + string(third)'},
        {"key": "ratio", "value": "income != null ? third / income : null"},
    ],
}
HARD = _hard(
    [
        {"_id": "H1", "c0": "< 0, > 100", "o1": '"X_RANGE"', "o2": '"decline"'},
        {"_id": "H2", "c0": "", "c1": "> (income ?? 0) * 20", "o1": '"BIG"', "o2": '"decline"'},
        {"_id": "H3", "c2": '"上海市", "青海省"', "o1": '"CITY"', "o2": '"manual_review"'},
        {
            "_id": "H4",
            "c3": "[0.3..0.4]",
            "c4": "true",
            "o1": "city + string(x)",
            "o2": '"decline"',
        },
        {"_id": "H5", "c3": "> 0.3333333333333333", "o1": '"THIRD"', "o2": '"manual_review"'},
        {"_id": "H6", "c0": "", "o1": '"ALWAYS"', "o2": '"manual_review"'},
        {"_id": "H7", "c4": "true", "o1": "city + x", "o2": '"decline"'},  # output fails
        # an exact fraction and a float in one context: zen reads 2999.9999999999995 as 3000
        {"_id": "H8", "c3": "$ > 0 and income >= 3000", "o1": '"F"', "o2": '"decline"'},
    ],
    ["x", "x", "city", "third", "flag"],
)
MATRIX = _matrix(
    [
        {"_id": "M1", "m0": ">= 1000", "p1": '"approve"', "p2": "income * 3", "p3": '"A"'},
        {"_id": "M2", "m0": "> 10", "m1": "< 5", "p1": '"approve"', "p2": "x / 7", "p3": '"B"'},
        {"_id": "M3", "m0": "> 10", "p1": '"approve"', "p2": "len(city)", "p3": "city"},
        {"_id": "M4", "m0": "", "p1": '"manual_review"', "p2": "", "p3": "", "p4": '"NONE"'},
    ],
    ["income", "x"],
    rc=True,
)
SMALL_STRATEGIES = {
    "collect_first_features": _document(FEATURES, HARD, LATER, MATRIX),
    "expression_error": _document(
        {"key": "f", "type": "expressions", "expressions": [{"key": "big", "value": "x > 1"}]},
        MATRIX,
    ),
    "array_result": _document(
        {"key": "f", "type": "expressions", "expressions": [{"key": "pair", "value": "[x, 1]"}]},
        MATRIX,
    ),
}
SMALL_INPUTS: list[dict[str, Any]] = [
    {"x": 1, "income": 5000, "city": "上海市", "flag": True},
    {"x": 0.9, "income": 0.04, "city": "北京市", "flag": True},
    {"x": 1.2, "income": 20, "city": "", "flag": False},
    {"x": None, "income": None, "city": None, "flag": None},
    {"x": 101, "income": 5, "city": "青海省"},
    {"x": -1, "income": 2000.5},
    {"x": 3, "income": 0.1, "city": "abc"},
    {"x": 1.05, "income": 12, "city": "x", "flag": True},
    {"income": 7},
    {"x": 10**19, "income": 1},
    {"x": 1e-9, "income": 1},
    {"x": 1, "income": 2999.9999999999995, "city": "x"},
    {"x": 2999.9999999999995, "income": 3000},
]


@pytest.mark.parametrize("name", sorted(SMALL_STRATEGIES))
def test_fast_and_graph_agree_on_small_strategies(name: str) -> None:
    document = SMALL_STRATEGIES[name]
    fast = CompiledStrategy(copy.deepcopy(document), cards={})
    graph = CompiledStrategy(copy.deepcopy(document), cards={}, reference=True)
    assert fast._fast is not None
    for number, applicant in enumerate(SMALL_INPUTS):
        assert _outcome(fast, applicant) == _outcome(graph, applicant), f"input {number}"


@pytest.mark.parametrize("name", sorted(SMALL_STRATEGIES))
def test_generated_tables_and_walk_agree_on_small_strategies(name: str) -> None:
    document = SMALL_STRATEGIES[name]
    generated = CompiledStrategy(copy.deepcopy(document), cards={})
    walking = _walking(CompiledStrategy(copy.deepcopy(document), cards={}))
    graph = CompiledStrategy(copy.deepcopy(document), cards={}, reference=True)
    for number, applicant in enumerate(SMALL_INPUTS):
        expected = _outcome(graph, applicant)
        assert _outcome(generated, applicant) == expected, f"input {number}"
        assert _outcome(walking, applicant) == expected, f"input {number}"


@pytest.mark.parametrize("name", sorted(SMALL_STRATEGIES))
def test_generated_trace_and_trace_builder_agree_on_small_strategies(name: str) -> None:
    document = SMALL_STRATEGIES[name]
    for reference in (False, True):
        generated = CompiledStrategy(copy.deepcopy(document), cards={}, reference=reference)
        walk = _traced_by_walk(
            CompiledStrategy(copy.deepcopy(document), cards={}, reference=reference)
        )
        for number, applicant in enumerate(SMALL_INPUTS):
            got, expected = _outcome(generated, applicant), _outcome(walk, applicant)
            assert repr(got) == repr(expected), f"input {number}"


def test_the_small_strategy_exercises_what_it_claims() -> None:
    fast = CompiledStrategy(SMALL_STRATEGIES["collect_first_features"], cards={})
    output = fast.evaluate({"x": 1, "income": 5000, "city": "上海市", "flag": True})
    hits = [r["rule_id"] for r in output["rule_results"] if r["hit"]]
    assert hits == ["H3", "H4", "H5", "H6", "H8", "M1"]  # H5: 1/3 as a decimal, not a float
    assert output["features"]["label"] == "1.0/0.3333333333333333333333333333"
    assert output["features"]["own"] == "1"  # $ is the step's results so far
    row = output["rule_results"][3]
    assert row["outputs"] == {"reason_code": "上海市1", "action": "decline"}
    close = fast.evaluate({"x": 1, "income": 2999.9999999999995, "city": "x"})
    assert "F" in close["reason_codes"]


def test_a_failing_expression_gives_the_graphs_evaluation_error() -> None:
    fast = CompiledStrategy(SMALL_STRATEGIES["expression_error"], cards={})
    output = fast.evaluate({"x": None, "income": 1})
    assert EVALUATION_ERROR in output["reason_codes"]
    assert output["error"].startswith('{"type":"NodeError"')
    assert output["rule_results"] == []


def test_fast_and_graph_agree_when_the_scorecard_splits_the_strategy(
    small_definition: dict[str, Any], card: dict[str, Any]
) -> None:
    card = copy.deepcopy(card)
    card["variables"][0]["name"] = "double_age"
    small_definition["steps"].insert(
        0,
        {
            "key": "features",
            "type": "expressions",
            "expressions": [{"key": "double_age", "value": "age * 2.5 / 3"}],
        },
    )
    small_definition["steps"].insert(
        2, {"key": "score", "type": "scorecard", "scorecard_version": 1}
    )
    fast = CompiledStrategy(small_definition, cards={1: card})
    graph = CompiledStrategy(small_definition, cards={1: card}, reference=True)
    assert [s.key for s in fast.segments] == ["before", "after"]
    for age in (None, 19, 22, 30, 40.5, 55, 61):
        for income in (0, 9999, 10000, 25000.5):
            applicant = {"age": age, "income": income}
            assert _outcome(fast, applicant) == _outcome(graph, applicant), applicant


@given(st.integers(min_value=-(10**22), max_value=10**22))
def test_a_whole_limit_is_written_as_decimal_quantizing_writes_it(value: int) -> None:
    try:
        expected = str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    except InvalidOperation:
        expected = "refused"
    try:
        written = money(value)
    except InvalidOperation:
        written = "refused"
    assert written == expected
