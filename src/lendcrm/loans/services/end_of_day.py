"""End of day (日终批处理) for a business date: plan chunks, process them, finish the run.

Each chunk's work and its completion mark commit in one transaction, so a run that crashed
resumes with the chunks still open and never accrues a day twice. Missed dates are caught up
in order. With REDIS_URL the chunks run as a Celery group on several workers; otherwise
in-process, one after another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from psycopg import errors

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.loans.choices import CreditLineStatus, EodRunStatus, LoanStatus
from lendcrm.loans.models import CreditLine, EodChunk, EodRun
from lendcrm.loans.services import eod_python, eod_sql
from lendcrm.loans.transitions import transition_line

DEFAULT_CHUNK_SIZE = 20_000
ENGINES: dict[str, Callable[[int, int | None, date], None]] = {
    "sql": eod_sql.process_chunk,
    "python": eod_python.process_chunk,
}
Progress = Callable[["RunProgress"], None]


@dataclass(frozen=True)
class RunProgress:
    business_date: date
    done_chunks: int
    total_chunks: int
    status: str

    @property
    def percent(self) -> int:
        return 100 if not self.total_chunks else round(100 * self.done_chunks / self.total_chunks)


def default_engine() -> str:
    return "sql" if connection.vendor == "postgresql" else "python"


def dates_to_run(target: date) -> list[date]:
    """The open run first (a crash), then every date after the last completed one."""
    unfinished = (
        EodRun.objects.filter(status=EodRunStatus.RUNNING, business_date__lte=target)
        .order_by("business_date")
        .first()
    )
    last_done = (
        EodRun.objects.filter(status=EodRunStatus.COMPLETED)
        .order_by("-business_date")
        .values_list("business_date", flat=True)
        .first()
    )
    start = last_done + timedelta(days=1) if last_done else target
    if unfinished is not None:
        start = min(start, unfinished.business_date)
    days = (target - start).days
    return [start + timedelta(days=n) for n in range(days + 1)]


def plan_run(business_date: date, *, engine: str, chunk_size: int = DEFAULT_CHUNK_SIZE) -> EodRun:
    """The run for a date with its chunks of loan ids; an existing run is returned as it is."""
    with transaction.atomic():
        run, created = EodRun.objects.get_or_create(
            business_date=business_date, defaults={"engine": engine}
        )
        if not created:
            return run
        starts = _chunk_starts(chunk_size)
        EodChunk.objects.bulk_create(
            EodChunk(
                run=run,
                number=n,
                first_loan_id=0 if n == 0 else first,
                last_loan_id=(starts[n + 1] - 1) if n + 1 < len(starts) else None,
            )
            for n, first in enumerate(starts)
        )
        run.total_chunks = len(starts)
        run.save(update_fields=["total_chunks"])
    return run


def _chunk_starts(size: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM loans_loan"
            " WHERE status IN (%s, %s)) t WHERE (n - 1) %% %s = 0 ORDER BY id",
            [LoanStatus.ACTIVE.value, LoanStatus.OVERDUE.value, size],
        )
        starts = [int(row[0]) for row in cursor.fetchall()]
    return starts or [1]


def process_chunk(run_id: int, number: int, *, attempts: int = 3) -> bool:
    """Do one chunk if still open; its completion commits with its work. True when it ran.

    A repayment posted while the batch runs locks its loan before its installments, the batch
    the other way round; PostgreSQL then aborts one of the two, and the chunk is simply redone.
    """
    for attempt in range(1, attempts + 1):
        try:
            return _process_chunk_once(run_id, number)
        except OperationalError as exc:
            if attempt == attempts or not _is_lock_conflict(exc):
                raise
    return False


def _is_lock_conflict(exc: OperationalError) -> bool:
    return isinstance(exc.__cause__, (errors.DeadlockDetected, errors.SerializationFailure))


def _process_chunk_once(run_id: int, number: int) -> bool:
    with transaction.atomic():
        chunk = (
            EodChunk.objects.select_for_update()
            .select_related("run")
            .get(run_id=run_id, number=number)
        )
        if chunk.done:
            return False
        ENGINES[chunk.run.engine](chunk.first_loan_id, chunk.last_loan_id, chunk.run.business_date)
        chunk.done, chunk.done_at = True, clock.now()
        chunk.save(update_fields=["done", "done_at"])
    return True


def open_chunks(run: EodRun) -> list[int]:
    return list(run.chunks.filter(done=False).order_by("number").values_list("number", flat=True))


def finish_run(run: EodRun) -> EodRun:
    with transaction.atomic():
        locked = EodRun.objects.select_for_update().get(pk=run.pk)
        if locked.status == EodRunStatus.COMPLETED or open_chunks(locked):
            return locked
        _expire_lines(locked.business_date)
        locked.status, locked.finished_at = EodRunStatus.COMPLETED, clock.now()
        locked.save(update_fields=["status", "finished_at"])
        record_event(
            "loans.end_of_day_completed",
            object_type="loans.eodrun",
            object_id=str(locked.pk),
            metadata={"business_date": locked.business_date.isoformat(), "engine": locked.engine},
        )
    return locked


def _expire_lines(business_date: date) -> None:
    lines = CreditLine.objects.filter(
        status__in=(CreditLineStatus.ACTIVE, CreditLineStatus.FROZEN),
        valid_until__lt=business_date,
    )
    for line in lines.select_for_update():
        transition_line(line, to=CreditLineStatus.EXPIRED)


def progress_of(run: EodRun) -> RunProgress:
    done = run.chunks.filter(done=True).count()
    return RunProgress(run.business_date, done, run.total_chunks, run.status)


def uses_workers() -> bool:
    return bool(settings.REDIS_URL) and not settings.CELERY_TASK_ALWAYS_EAGER


def run_end_of_day(
    target: date,
    *,
    engine: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
) -> list[EodRun]:
    """Run (or resume, or catch up to) end of day for `target`, in-process."""
    runs = []
    for business_date in dates_to_run(target):
        run = plan_run(business_date, engine=engine or default_engine(), chunk_size=chunk_size)
        for number in open_chunks(run):
            process_chunk(run.pk, number)
            if progress is not None:
                progress(progress_of(run))
        runs.append(finish_run(run))
        if progress is not None:
            progress(progress_of(runs[-1]))
    return runs
