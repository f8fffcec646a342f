"""The one place where data scopes become query filters.

Every scoped model declares `scope_fields = ScopeFields(...)` naming its owner, team, branch
and agency columns. UI views, API endpoints, exports and reports read through `scoped()` or
`get_scoped()`; an object outside the caller's scope is reported as not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q

from lendcrm.core.errors import NotFound
from lendcrm.identity.choices import DataScope
from lendcrm.identity.roles import scope_of

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopeFields:
    owner: str | None = "owner"
    team: str | None = "team"
    branch: str | None = "branch"
    agency: str | None = None


def scope_q(user: Any, fields: ScopeFields) -> Q:
    scope = scope_of(user)
    if scope is None:
        return Q(pk__in=[])
    if scope == DataScope.ALL:
        return Q()
    column, value = _scope_column(user, scope, fields)
    if column is None or value is None:
        return Q(pk__in=[])
    return Q(**{column: value})


def _scope_column(user: Any, scope: DataScope, fields: ScopeFields) -> tuple[str | None, Any]:
    if scope == DataScope.OWN:
        return (f"{fields.owner}_id" if fields.owner else None), user.pk
    if scope == DataScope.TEAM:
        return (f"{fields.team}_id" if fields.team else None), user.team_id
    if scope == DataScope.BRANCH:
        return (f"{fields.branch}_id" if fields.branch else None), user.branch_id
    return (f"{fields.agency}_id" if fields.agency else None), user.team_id


def scoped(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    fields: ScopeFields = queryset.model.scope_fields  # type: ignore[attr-defined]
    return queryset.filter(scope_q(user, fields))


def get_scoped(queryset: models.QuerySet[M], user: Any, pk: Any) -> M:
    try:
        return scoped(queryset, user).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"{queryset.model._meta.verbose_name} not found") from exc
