"""Celery tasks of the sales app: thin and idempotent, each calling one service."""

from __future__ import annotations

from celery import shared_task

from lendcrm.sales.services import follow_up_tasks


@shared_task(name="lendcrm.sales.tasks.escalate_overdue_tasks_task")
def escalate_overdue_tasks_task() -> int:
    """Overdue follow-up tasks go to the agent's sales manager (once each)."""
    return follow_up_tasks.escalate_overdue_tasks()


@shared_task(name="lendcrm.sales.tasks.create_no_application_tasks_task")
def create_no_application_tasks_task() -> int:
    """Second follow-ups (二次跟进) for leads that have not applied N days after assignment."""
    return follow_up_tasks.create_no_application_tasks()
