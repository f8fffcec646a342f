"""Reads behind the strategy pages, and the champion/challenger comparison report.

Strategies and their versions are configuration, not customer data: every holder of
`decisions.view` sees all of them. Decision records are customer data and are read through the
caller's data scope (identity.scoping).

Outcomes of decisions come from the loans they led to: a loan 30 or more days past due, or
written off, is bad (the same definition as simulation.BAD_DPD). Declined applications never
became loans, so they have no outcome.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lendcrm.core.errors import NotFound
from lendcrm.decisions.choices import DecisionArm, DecisionOutcome, StrategyVersionStatus
from lendcrm.decisions.models import DecisionRecord, Strategy, StrategyDeployment, StrategyVersion
from lendcrm.decisions.simulation import BAD_DPD, OUTCOMES, STATUS_LABELS, Case
from lendcrm.identity.scoping import scoped
from lendcrm.loans.choices import LoanStatus
from lendcrm.loans.models import Loan

PUBLISHABLE: Final = frozenset({StrategyVersionStatus.APPROVED, StrategyVersionStatus.RETIRED})
RECENT_RECORDS: Final = 20
REPORT_DAYS: Final = 90
_OUTCOME_KNOWN: Final = (
    LoanStatus.ACTIVE,
    LoanStatus.OVERDUE,
    LoanStatus.PAID_OFF,
    LoanStatus.WRITTEN_OFF,
)


# ---- strategies and versions ------------------------------------------------------------------


@dataclass(frozen=True)
class StrategyRow:
    strategy: Strategy
    versions: int
    champion: StrategyVersion | None
    challenger: StrategyVersion | None
    mode: str
    share: Any


def list_strategy_rows() -> list[StrategyRow]:
    strategies = Strategy.objects.annotate(version_count=Count("versions")).order_by("code")
    deployments = {
        d.strategy_id: d
        for d in StrategyDeployment.objects.select_related("champion", "challenger")
    }
    rows = []
    for strategy in strategies:
        deployment = deployments.get(strategy.pk)
        rows.append(
            StrategyRow(
                strategy,
                strategy.version_count,
                deployment.champion if deployment else None,
                deployment.challenger if deployment else None,
                deployment.get_mode_display() if deployment else "",
                deployment.challenger_share if deployment else None,
            )
        )
    return rows


def get_strategy(strategy_id: int) -> Strategy:
    strategy = Strategy.objects.filter(pk=strategy_id).first()
    if strategy is None:
        raise NotFound("strategy not found")
    return strategy


def get_version_by_number(strategy: Strategy, number: int) -> StrategyVersion:
    version = StrategyVersion.objects.filter(strategy=strategy, number=number).first()
    if version is None:
        raise NotFound("strategy version not found")
    return version


def get_deployment(strategy: Strategy) -> StrategyDeployment | None:
    return (
        StrategyDeployment.objects.select_related("champion", "challenger")
        .filter(strategy=strategy)
        .order_by("product_code")
        .first()
    )


def is_live(version: StrategyVersion) -> bool:
    return StrategyDeployment.objects.filter(champion=version).exists()


def recent_records(user: Any, strategy: Strategy) -> list[DecisionRecord]:
    records = scoped(DecisionRecord.objects.select_related("strategy_version"), user)
    return list(records.filter(strategy_version__strategy=strategy)[:RECENT_RECORDS])


def bad_by_application(application_ids: Iterable[int]) -> dict[int, bool]:
    """Applications whose loans have an outcome, True when one of them is bad.

    loans.queries has no aggregate read by application yet; this reads the model directly,
    for configuration-level reporting only (no customer fields are selected)."""
    ids = {i for i in application_ids if i is not None}
    outcome: dict[int, bool] = {}
    if not ids:
        return outcome
    loans = Loan.objects.filter(application_id__in=ids, status__in=_OUTCOME_KNOWN).values_list(
        "application_id", "dpd", "status"
    )
    for application_id, dpd, status in loans:
        bad = dpd >= BAD_DPD or status == LoanStatus.WRITTEN_OFF
        outcome[application_id] = outcome.get(application_id, False) or bad
    return outcome


# ---- champion/challenger report ------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _pair_key(record: DecisionRecord) -> str:
    return f"a{record.application_id}" if record.application_id else f"s{record.subject_key}"


def champion_challenger_report(
    user: Any, strategy: Strategy, *, days: int = REPORT_DAYS
) -> dict[str, Any]:
    """Outcome mix per arm, the swap matrix of applications both arms evaluated, and the bad
    rate of each arm's approvals whose loans have an outcome."""
    since = timezone.now() - timedelta(days=days)
    records = list(
        scoped(DecisionRecord.objects.select_related("strategy_version"), user)
        .filter(strategy_version__strategy=strategy, created_at__gte=since)
        .only(
            "id",
            "arm",
            "outcome",
            "application_id",
            "subject_key",
            "applied",
            "strategy_version__number",
            "created_at",
        )
        .order_by("created_at")
    )
    arms: dict[str, Counter[str]] = {}
    versions: dict[str, set[int]] = {}
    champion_by_key: dict[str, str] = {}
    other_by_key: dict[str, str] = {}
    approved_by_arm: dict[str, set[int]] = {}
    for record in records:
        arms.setdefault(record.arm, Counter())[record.outcome] += 1
        versions.setdefault(record.arm, set()).add(record.strategy_version.number)
        key = _pair_key(record)
        if record.arm == DecisionArm.CHAMPION:
            champion_by_key[key] = record.outcome
        else:
            other_by_key[key] = record.outcome
        # a loan's outcome is known whichever arm decided: shadow approvals have one where
        # the champion approved as well
        if record.outcome == DecisionOutcome.APPROVE and record.application_id:
            approved_by_arm.setdefault(record.arm, set()).add(record.application_id)
    matrix = {a: dict.fromkeys(OUTCOMES, 0) for a in OUTCOMES}
    for key, challenger_outcome in other_by_key.items():
        if key in champion_by_key:
            matrix[champion_by_key[key]][challenger_outcome] += 1
    outcomes = bad_by_application(i for ids in approved_by_arm.values() for i in ids)
    labels = dict(DecisionArm.choices)
    arm_rows = []
    for arm in (DecisionArm.CHAMPION, DecisionArm.CHALLENGER, DecisionArm.SHADOW):
        counts = arms.get(arm, Counter())
        total = sum(counts.values())
        approved = approved_by_arm.get(arm, set())
        known = [outcomes[i] for i in approved if i in outcomes]
        arm_rows.append(
            {
                "arm": str(arm),
                "label": str(labels[arm]),
                "versions": sorted(versions.get(arm, set())),
                "total": total,
                "mix": {o: {"count": counts[o], "rate": _rate(counts[o], total)} for o in OUTCOMES},
                "with_outcome": len(known),
                "bad": sum(known),
                "bad_rate": _rate(sum(known), len(known)),
            }
        )
    return {
        "days": days,
        "arms": arm_rows,
        "matrix": matrix,
        "paired": sum(sum(row.values()) for row in matrix.values()),
        "swap_in": matrix["decline"]["approve"] + matrix["manual_review"]["approve"],
        "swap_out": matrix["approve"]["decline"] + matrix["approve"]["manual_review"],
        "has_outcomes": any(row["with_outcome"] for row in arm_rows),
        "outcome_labels": {o: str(label) for o, label in DecisionOutcome.choices},
    }


# ---- presentation helpers shared by the report and simulation pages ----------------------


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def outcome_order() -> list[dict[str, str]]:
    labels = dict(DecisionOutcome.choices)
    return [{"outcome": o, "label": str(labels[o])} for o in OUTCOMES]


def matrix_rows(
    matrix: dict[str, dict[str, int]], bad_rates: dict[str, dict[str, dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """Rows of a swap matrix (row: the reference outcome, column: the other's) with each cell
    marked as a swap-in, swap-out or unchanged, and its bad rate when one is known."""
    rows = []
    for row in outcome_order():
        a = row["outcome"]
        cells = []
        for column in outcome_order():
            b = column["outcome"]
            kind = "same" if a == b else ""
            if b == "approve" and a != "approve":
                kind = "swap_in"
            elif a == "approve" and b != "approve":
                kind = "swap_out"
            known = (bad_rates or {}).get(a, {}).get(b) or {}
            cells.append(
                {
                    "outcome": b,
                    "count": matrix.get(a, {}).get(b, 0),
                    "kind": kind,
                    "known": known.get("known"),
                    "bad": known.get("bad"),
                    "bad_rate": _percent(known["rate"]) if known.get("rate") is not None else None,
                }
            )
        rows.append({**row, "cells": cells})
    return rows


def mix_chart(groups: list[str], mixes: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Stacked-bar data for decisions/charts.js: one bar per group, one series per outcome."""
    return {
        "groups": groups,
        "series": [
            {
                "outcome": o["outcome"],
                "label": o["label"],
                "rates": [mix[o["outcome"]]["rate"] or 0 for mix in mixes],
            }
            for o in outcome_order()
        ],
    }


def report_view(report: dict[str, Any]) -> dict[str, Any]:
    arms = [
        {
            **arm,
            "cells": [
                {**arm["mix"][o], "percent": _percent(arm["mix"][o]["rate"])} for o in OUTCOMES
            ],
            "bad_percent": _percent(arm["bad_rate"]),
        }
        for arm in report["arms"]
    ]
    shown = [arm for arm in arms if arm["total"]]
    return {
        "report": {**report, "arms": arms},
        "outcome_order": outcome_order(),
        "matrix_rows": matrix_rows(report["matrix"]),
        "chart": mix_chart([a["label"] for a in shown], [a["mix"] for a in shown]),
        "champion_label": str(dict(DecisionArm.choices)[DecisionArm.CHAMPION]),
        "challenger_label": str(dict(DecisionArm.choices)[DecisionArm.CHALLENGER]),
    }


# ---- simulation: historical cases and the job page ---------------------------------------


def historical_cases(strategy: Strategy) -> list[Case]:
    """The decisions this strategy actually made (the applied record of each application, the
    latest one), replayed from their input snapshots, with the outcome of any loan."""
    records = (
        DecisionRecord.objects.filter(strategy_version__strategy=strategy, applied=True)
        .order_by("application_id", "subject_key", "-created_at")
        .values_list("application_id", "subject_key", "input_snapshot")
    )
    latest: dict[str, tuple[int | None, dict[str, Any]]] = {}
    for application_id, subject_key, snapshot in records:
        key = f"a{application_id}" if application_id else f"s{subject_key}"
        inputs = snapshot.get("inputs", {}) if isinstance(snapshot, dict) else {}
        latest.setdefault(key, (application_id, {k: v for k, v in inputs.items() if v is not None}))
    outcomes = bad_by_application(a for a, _snapshot in latest.values() if a)
    return [
        Case(
            row,
            snapshot,
            outcomes.get(application_id) if application_id else None,
            str(application_id or ""),
        )
        for row, (application_id, snapshot) in enumerate(latest.values(), start=1)
    ]


def job_view(state: dict[str, Any]) -> dict[str, Any]:
    total = int(state.get("total") or 0)
    done = int(state.get("done") or 0)
    status = str(state.get("status", "queued"))
    summary = state.get("summary")
    view: dict[str, Any] = {
        **state,
        "running": status in {"queued", "running"},
        "status_label": str(STATUS_LABELS.get(status, status)),
        "percent": 100 if status == "completed" else (round(done * 100 / total) if total else 0),
        "source_label": state.get("file_name") or _("数据库中的历史申请"),
        "outcome_order": outcome_order(),
        "candidate_title": _("模拟 v%(n)s") % {"n": state.get("version_number")},
        "live_title": _("线上 v%(n)s") % {"n": state.get("live_version_number")},
    }
    if summary:

        def cells(mix: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
            return [{"outcome": o, **mix[o], "percent": _percent(mix[o]["rate"])} for o in OUTCOMES]

        groups = [view["candidate_title"]]
        mixes = [summary["candidate"]]
        if state.get("live_version_number"):
            groups.insert(0, view["live_title"])
            mixes.insert(0, summary["live"])
        view |= {
            "candidate_cells": cells(summary["candidate"]),
            "live_cells": cells(summary["live"]),
            "matrix_rows": matrix_rows(summary["matrix"], summary["bad_rates"]),
            "chart": mix_chart(groups, mixes),
        }
    return view


def get_strategy_by_code(code: str) -> Strategy:
    strategy = Strategy.objects.filter(code=code).first()
    if strategy is None:
        raise NotFound(f"no strategy {code!r}")
    return strategy


def live_version(strategy: Strategy) -> StrategyVersion | None:
    deployment = get_deployment(strategy)
    return deployment.champion if deployment else None


def usable_scorecards() -> list[Any]:
    """Scorecard versions a strategy may use (approved or deployed), for the step selects."""
    from lendcrm.scoring import queries as scoring_queries
    from lendcrm.scoring.choices import VersionStatus

    usable = (VersionStatus.APPROVED, VersionStatus.DEPLOYED)
    return list(scoring_queries.list_versions().filter(status__in=usable))
