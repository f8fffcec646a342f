"""Celery tasks of the decisions app: thin and idempotent, each calling one function."""

from __future__ import annotations

from celery import shared_task

from lendcrm.decisions import simulation


@shared_task(name="lendcrm.decisions.tasks.run_simulation_task", acks_late=True)
def run_simulation_task(job_id: str) -> None:
    simulation.run_job(job_id)
