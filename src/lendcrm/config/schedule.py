"""Every periodic job, listed once. Celery beat reads this table."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "expire-api-tokens": {
        "task": "lendcrm.identity.tasks.purge_expired_api_tokens_task",
        "schedule": crontab(minute=15, hour=1),
    },
}
