from __future__ import annotations

from celery import shared_task

from lendcrm.audit import services


@shared_task
def verify_audit_chain_task() -> dict[str, object]:
    """Nightly walk of the whole chain; a break is logged as an audit.chain_broken event."""
    report = services.run_verification()
    broken = report.broken
    return {
        "ok": report.ok,
        "checked": report.checked,
        "broken_at": broken.sequence if broken else None,
    }


@shared_task
def seal_audit_events_task() -> int:
    """Seal every committed pending event into the chain (woken on commit, and every minute)."""
    return services.seal_pending_events()
