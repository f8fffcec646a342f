"""Celery tasks of the reviews app: thin and idempotent, each calling one service."""

from __future__ import annotations

from celery import shared_task

from lendcrm.reviews.services import escalation


@shared_task(name="lendcrm.reviews.tasks.escalate_overdue_reviews_task")
def escalate_overdue_reviews_task() -> int:
    """Overdue review tasks go to a review supervisor (once each)."""
    return escalation.escalate_overdue_reviews()
