"""Simulation (backtest) of a strategy version on a file of cases or on past applications.

Each case is evaluated by the candidate version and by the live (published champion) version.
The summary gives approval, manual-review and decline rates of both, the swap matrix (live
outcome × candidate outcome) with swap-in (live declined, candidate approves) and swap-out (the
reverse), and, where a case's outcome is known (an approved application that became a loan),
the bad rate of each matrix cell. Declined applications never became loans: they have no
outcome, so the bad rate of swap-ins cannot be observed, only that of swap-outs.

The core (`summarise`) is a pure function; reading cases and evaluating them are separate.
Background runs keep their state in a JSON file under LENDCRM_DATA_DIR/simulations, so that the
progress page can read it from any process.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

OUTCOMES: Final = ("approve", "manual_review", "decline")
BAD_DPD: Final = 30  # a loan 30+ days past due (M2 and worse) or written off counts as bad
ERROR_SAMPLE: Final = 20
# Columns of a case file that are not strategy inputs.
PREVIOUS_OUTCOME_COLUMN: Final = "previous_outcome"
BAD_COLUMN: Final = "bad"
APPLICATION_COLUMN: Final = "application_id"


@dataclass(frozen=True)
class Case:
    """One applicant to evaluate: the strategy inputs and, when known, what happened."""

    row: int
    inputs: Mapping[str, Any]
    bad: bool | None = None  # None: no outcome (never a loan, or too early)
    reference: str = ""


@dataclass(frozen=True)
class CaseResult:
    row: int
    live: str | None  # None when the live version could not evaluate it (or there is none)
    candidate: str | None
    bad: bool | None
    error: str = ""


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mix(counts: Mapping[str, int], total: int) -> dict[str, dict[str, Any]]:
    return {
        o: {"count": counts.get(o, 0), "rate": _rate(counts.get(o, 0), total)} for o in OUTCOMES
    }


def summarise(results: Iterable[CaseResult]) -> dict[str, Any]:
    """Rates, the swap matrix and bad rates per cell, as JSON-ready data."""
    total = evaluated = 0
    candidate: dict[str, int] = {}
    live: dict[str, int] = {}
    matrix = {a: dict.fromkeys(OUTCOMES, 0) for a in OUTCOMES}
    known = {a: {b: [0, 0] for b in OUTCOMES} for a in OUTCOMES}  # [with outcome, bad]
    errors: list[dict[str, Any]] = []
    error_count = 0
    for result in results:
        total += 1
        if result.error or result.candidate is None:
            error_count += 1
            if len(errors) < ERROR_SAMPLE:
                errors.append({"row": result.row, "message": result.error})
            continue
        evaluated += 1
        candidate[result.candidate] = candidate.get(result.candidate, 0) + 1
        if result.live is None:
            continue
        live[result.live] = live.get(result.live, 0) + 1
        matrix[result.live][result.candidate] += 1
        if result.bad is not None:
            cell = known[result.live][result.candidate]
            cell[0] += 1
            cell[1] += int(result.bad)
    compared = sum(live.values())
    return {
        "total": total,
        "evaluated": evaluated,
        "error_count": error_count,
        "errors": errors,
        "candidate": _mix(candidate, evaluated),
        "live": _mix(live, compared),
        "compared": compared,
        "matrix": matrix,
        "swap_in": sum(matrix[a]["approve"] for a in ("decline", "manual_review")),
        "swap_out": sum(matrix["approve"][b] for b in ("decline", "manual_review")),
        "bad_rates": {
            a: {
                b: {"known": n, "bad": bad, "rate": _rate(bad, n)}
                for b, (n, bad) in known[a].items()
            }
            for a in OUTCOMES
        },
        "with_outcome": sum(n for row in known.values() for n, _bad in row.values()),
    }


# ---- evaluation ------------------------------------------------------------------------------

Evaluate = Callable[[Mapping[str, Any]], str]


def evaluate_cases(
    cases: Iterable[Case],
    *,
    candidate: Evaluate,
    live: Evaluate | None,
    progress: Callable[[int], None] | None = None,
    every: int = 50,
) -> Iterator[CaseResult]:
    for done, case in enumerate(cases, start=1):
        try:
            new = candidate(case.inputs)
        except Exception as exc:  # one bad row must not stop the run; it is counted and shown
            yield CaseResult(case.row, None, None, case.bad, error=str(exc)[:200])
        else:
            old: str | None = None
            if live is not None:
                try:
                    old = live(case.inputs)
                except Exception:
                    old = None
            yield CaseResult(case.row, old, new, case.bad)
        if progress is not None and done % every == 0:
            progress(done)


# ---- reading cases ---------------------------------------------------------------------------


def _convert(value: Any, kind: str) -> Any:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, float) and value != value:  # NaN from a Parquet or CSV gap
        return None
    if kind == "number":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return value  # the engine reports the type problem for this row
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "boolean":
        return str(value).strip().lower() in {"1", "true", "yes", "y", "是"}
    return value if not isinstance(value, str) else value.strip()


def _bad(value: Any) -> bool | None:
    if value is None or str(value).strip() in {"", "nan", "None"}:
        return None
    return str(value).strip().lower() in {"1", "true", "yes", "bad", "1.0"}


def case_from_mapping(row: int, values: Mapping[str, Any], types: Mapping[str, str]) -> Case:
    inputs = {name: _convert(values[name], kind) for name, kind in types.items() if name in values}
    inputs = {name: value for name, value in inputs.items() if value is not None}
    reference = str(values.get(APPLICATION_COLUMN) or "")
    return Case(row, inputs, _bad(values.get(BAD_COLUMN)), reference)


def read_cases(path: Path, types: Mapping[str, str]) -> list[Case]:
    """Cases from a CSV (UTF-8, header row) or Parquet file whose columns are the declared
    inputs, optionally with `bad` (1/0, blank when unknown) and `application_id`."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        records: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    else:
        text = path.read_bytes().decode("utf-8-sig")
        records = list(csv.DictReader(io.StringIO(text)))
    return [case_from_mapping(i + 1, record, types) for i, record in enumerate(records)]


def declared_types(definition: Mapping[str, Any]) -> dict[str, str]:
    return {str(d["name"]): str(d.get("type", "string")) for d in definition.get("inputs", [])}


# ---- background job state --------------------------------------------------------------------


def jobs_dir() -> Path:
    directory = Path(settings.DATA_DIR) / "simulations"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def new_job_id() -> str:
    return uuid.uuid4().hex


def _job_path(job_id: str) -> Path:
    if not job_id.isalnum():
        raise FileNotFoundError(job_id)
    return jobs_dir() / f"{job_id}.json"


def save_job(job_id: str, state: Mapping[str, Any]) -> None:
    path = _job_path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False, default=str), encoding="utf-8")
    temporary.replace(path)  # readers never see half a file


def load_job(job_id: str) -> dict[str, Any] | None:
    try:
        loaded: dict[str, Any] = json.loads(_job_path(job_id).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return loaded


# ---- running a simulation ----------------------------------------------------------------


def evaluator_for(version: Any) -> Evaluate:
    """The outcome function of a strategy version (compiled once, then called per case)."""
    from lendcrm.decisions.services import compile_version

    compiled = compile_version(version)

    def evaluate(inputs: Mapping[str, Any]) -> str:
        return str(compiled.evaluate(dict(inputs))["outcome"])

    return evaluate


def simulate(
    version: Any,
    *,
    cases: list[Case],
    live_version: Any | None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    live = evaluator_for(live_version) if live_version is not None else None
    results = evaluate_cases(cases, candidate=evaluator_for(version), live=live, progress=progress)
    return summarise(results)


def _cases_for(state: Mapping[str, Any], version: Any) -> list[Case]:
    from lendcrm.decisions import reports

    if state.get("file"):
        return read_cases(Path(state["file"]), declared_types(version.definition))
    return reports.historical_cases(version.strategy)


def run_job(job_id: str) -> dict[str, Any] | None:
    """Run a queued simulation job, saving progress as it goes; idempotent once finished."""
    from lendcrm.decisions import queries

    state = load_job(job_id)
    if state is None or state.get("status") in {"completed", "failed"}:
        return state
    try:
        version = queries.get_version(int(state["version_id"]))
        live_id = state.get("live_version_id")
        live_version = queries.get_version(int(live_id)) if live_id else None
        cases = _cases_for(state, version)
        state |= {"status": "running", "total": len(cases), "done": 0}
        save_job(job_id, state)

        def progress(done: int) -> None:
            save_job(job_id, {**state, "done": done})

        summary = simulate(version, cases=cases, live_version=live_version, progress=progress)
    except Exception as exc:  # the page shows why; the worker must not retry a broken file
        state |= {"status": "failed", "error": str(exc)[:300]}
    else:
        state |= {"status": "completed", "done": state["total"], "summary": summary}
    if state.get("file"):
        # the upload may carry more columns than the strategy reads: keep only the summary
        Path(state["file"]).unlink(missing_ok=True)
        state["file"] = ""
    save_job(job_id, state)
    return state


MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
_SUFFIXES: Final = (".csv", ".parquet")


def start_job(
    version: Any, *, live_version: Any | None, upload: Any | None, acting_user: Any
) -> str:
    """Store the upload (if any), write the queued job, audit it and enqueue the run."""
    from django.db import transaction

    from lendcrm.audit.services import record_event
    from lendcrm.core.errors import DomainError
    from lendcrm.decisions.tasks import run_simulation_task

    job_id = new_job_id()
    state: dict[str, Any] = {
        "status": "queued",
        "strategy_id": version.strategy_id,
        "version_id": version.pk,
        "version_number": version.number,
        "live_version_id": live_version.pk if live_version else None,
        "live_version_number": live_version.number if live_version else None,
        "source": "historical",
        "file": "",
        "total": 0,
        "done": 0,
        "requested_by": acting_user.pk,
    }
    if upload is not None:
        suffix = Path(str(upload.name)).suffix.lower()
        if suffix not in _SUFFIXES or upload.size > MAX_UPLOAD_BYTES:
            raise DomainError(_("只接受不超过 50 MB 的 CSV 或 Parquet 文件"), field="file")
        target = jobs_dir() / f"{job_id}{suffix}"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        state |= {"source": "file", "file": str(target), "file_name": str(upload.name)[:200]}
    save_job(job_id, state)
    with transaction.atomic():
        record_event(
            "decisions.simulation_started",
            actor=acting_user,
            target=version,
            metadata={"job": job_id, "source": state["source"]},
        )
        transaction.on_commit(lambda: run_simulation_task.delay(job_id))
    return job_id


STATUS_LABELS: Final = {
    "queued": gettext_lazy("排队中"),
    "running": gettext_lazy("运行中"),
    "completed": gettext_lazy("已完成"),
    "failed": gettext_lazy("失败"),
}
