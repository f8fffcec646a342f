"""Celery tasks of the leads app: thin and idempotent, each calling one service."""

from __future__ import annotations

from celery import shared_task

from lendcrm.leads.services import assignment, importing


@shared_task(name="lendcrm.leads.tasks.run_lead_import_task", acks_late=True)
def run_lead_import_task(import_id: int) -> None:
    importing.run_import(import_id)


@shared_task(name="lendcrm.leads.tasks.reassign_overdue_leads_task")
def reassign_overdue_leads_task() -> int:
    """Leads whose first-contact SLA has passed go to another agent (every few minutes)."""
    return assignment.reassign_overdue_leads()
