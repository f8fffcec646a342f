"""Every periodic job, listed once. Celery beat reads this table."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "leads-reassign-overdue": {  # 首呼 SLA: overdue or unassigned new leads go to another agent
        "task": "lendcrm.leads.tasks.reassign_overdue_leads_task",
        "schedule": crontab(minute="*/5"),
    },
    "reviews-escalate-overdue": {  # 信审 SLA: overdue review tasks go to a review supervisor
        "task": "lendcrm.reviews.tasks.escalate_overdue_reviews_task",
        "schedule": crontab(minute="*/5"),
    },
    "sales-escalate-overdue-tasks": {  # overdue follow-up tasks go to the agent's manager
        "task": "lendcrm.sales.tasks.escalate_overdue_tasks_task",
        "schedule": crontab(minute="*/5"),
    },
    "sales-no-application-tasks": {  # 二次跟进 for leads still without an application
        "task": "lendcrm.sales.tasks.create_no_application_tasks_task",
        "schedule": crontab(minute="*/15"),
    },
    "expire-api-tokens": {
        "task": "lendcrm.identity.tasks.purge_expired_api_tokens_task",
        "schedule": crontab(minute=15, hour=1),
    },
    "audit-verify-chain": {  # walks the whole audit hash chain; a break is logged as an event
        "task": "lendcrm.audit.tasks.verify_audit_chain_task",
        "schedule": crontab(minute=30, hour=3),
    },
    "audit-seal-pending": {  # safety net: pending audit events whose wake-up was lost
        "task": "lendcrm.audit.tasks.seal_audit_events_task",
        "schedule": crontab(minute="*"),
    },
    "loans-payment-notices": {  # safety net: notices the webhook's wake-up did not reach
        "task": "lendcrm.loans.tasks.post_payment_notices_task",
        "schedule": crontab(minute="*"),
    },
    "loans-end-of-day": {  # 日终批处理 for yesterday, catching up any missed dates
        "task": "lendcrm.loans.tasks.run_end_of_day_task",
        "schedule": crontab(minute=5, hour=0),
    },
    "scoring-stability": {  # PSI / CSI of every deployed scorecard for yesterday's window
        "task": "lendcrm.scoring.tasks.check_scorecard_stability_task",
        "schedule": crontab(minute=45, hour=2),
    },
}
