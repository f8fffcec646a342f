"""Reads of reveal grants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Max, Q

from lendcrm.core import clock
from lendcrm.privacy.models import RevealGrant

GrantKey = tuple[str, str, str]  # (object type, object id, field)


def active_grant_expiries(user: Any, instances: Iterable[models.Model]) -> dict[GrantKey, datetime]:
    """When each of the user's unexpired grants over these records runs out, in one query."""
    if not getattr(user, "is_authenticated", False):
        return {}
    ids_by_type: dict[str, set[str]] = {}
    for instance in instances:
        ids_by_type.setdefault(instance._meta.label_lower, set()).add(str(instance.pk))
    if not ids_by_type:
        return {}
    match = Q()
    for object_type, ids in ids_by_type.items():
        match |= Q(object_type=object_type, object_id__in=sorted(ids))
    rows = (
        RevealGrant.objects.filter(match, user=user, expires_at__gt=clock.now())
        .values_list("object_type", "object_id", "field")
        .annotate(until=Max("expires_at"))
        .order_by()
    )
    return {(object_type, object_id, name): until for object_type, object_id, name, until in rows}
