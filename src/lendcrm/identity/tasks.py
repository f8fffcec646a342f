from __future__ import annotations

from celery import shared_task

from lendcrm.identity import services


@shared_task
def purge_expired_api_tokens_task() -> int:
    return services.purge_expired_api_tokens()
