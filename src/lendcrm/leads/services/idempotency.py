"""Idempotency-Key handling for lead capture: a retry replays the first answer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lendcrm.core.errors import Conflict, DomainError
from lendcrm.leads.models import Channel, LeadIdempotencyKey

MAX_KEY_LENGTH = 100
Answer = tuple[int, dict[str, Any]]


def request_fingerprint(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_once(channel: Channel, key: str, body: Any, run: Callable[[], Answer]) -> Answer:
    """The stored answer for (channel, key), or run and store it in the same transaction.

    Only successful answers are stored: a refused request may be corrected and retried with
    the same key. The same key with a different body is a conflict.
    """
    key = key.strip()
    if not key:
        return run()
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(_("Idempotency-Key 不能超过 100 个字符"), field="Idempotency-Key")
    fingerprint = request_fingerprint(body)
    stored = _replay(channel, key, fingerprint)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            status, response = run()
            LeadIdempotencyKey.objects.create(
                channel=channel,
                key=key,
                request_hash=fingerprint,
                status_code=status,
                response=response,
            )
    except IntegrityError:
        # A concurrent retry with the same key won; our work was rolled back with the key row.
        stored = _replay(channel, key, fingerprint)
        if stored is None:
            raise
        return stored
    return status, response


def _replay(channel: Channel, key: str, fingerprint: str) -> Answer | None:
    record = LeadIdempotencyKey.objects.filter(channel=channel, key=key).first()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Conflict(_("该 Idempotency-Key 已用于另一个不同的请求"), field="Idempotency-Key")
    return record.status_code, record.response
