"""Celery tasks of the loans app: thin and idempotent, each calling one service."""

from __future__ import annotations

from datetime import date, timedelta

from celery import chord

from lendcrm.config.celery import app  # configures Celery in web and CLI processes too
from lendcrm.core import clock
from lendcrm.loans.models import EodRun
from lendcrm.loans.services import end_of_day, inbox


@app.task(name="lendcrm.loans.tasks.run_end_of_day_task")
def run_end_of_day_task(business_date: str = "") -> None:
    """End of day up to `business_date` (default: yesterday), on workers when REDIS_URL is set."""
    yesterday = clock.today() - timedelta(days=1)
    target = date.fromisoformat(business_date) if business_date else yesterday
    if not end_of_day.uses_workers():
        end_of_day.run_end_of_day(target)
        return
    dispatch_next_date(target)


def dispatch_next_date(target: date, chunk_size: int = end_of_day.DEFAULT_CHUNK_SIZE) -> int | None:
    """Plan the next date to run and hand its open chunks to the workers as one group."""
    dates = end_of_day.dates_to_run(target)
    if not dates:
        return None
    run = end_of_day.plan_run(dates[0], engine=end_of_day.default_engine(), chunk_size=chunk_size)
    chunks = [process_eod_chunk_task.si(run.pk, n) for n in end_of_day.open_chunks(run)]
    finish = finish_eod_run_task.si(run.pk, target.isoformat(), chunk_size)
    if chunks:
        chord(chunks)(finish)
    else:
        finish.delay()
    return run.pk


@app.task(name="lendcrm.loans.tasks.process_eod_chunk_task", acks_late=True)
def process_eod_chunk_task(run_id: int, number: int) -> bool:
    return end_of_day.process_chunk(run_id, number)


@app.task(name="lendcrm.loans.tasks.finish_eod_run_task")
def finish_eod_run_task(
    run_id: int, target: str, chunk_size: int = end_of_day.DEFAULT_CHUNK_SIZE
) -> None:
    run = end_of_day.finish_run(EodRun.objects.get(pk=run_id))
    if run.status == "completed" and run.business_date < date.fromisoformat(target):
        dispatch_next_date(date.fromisoformat(target), chunk_size)


@app.task(name="lendcrm.loans.tasks.post_payment_notices_task")
def post_payment_notices_task() -> int:
    """Post what the payment webhook has stored; woken by the webhook, and every minute."""
    return inbox.drain()
