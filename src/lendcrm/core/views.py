from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # health reports any failure, whatever its kind
        return False, type(exc).__name__


def _redis_ok() -> tuple[bool, str] | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
        return True, "ok"
    except redis.RedisError as exc:
        return False, type(exc).__name__


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_info = _database_ok()
    checks: dict[str, dict[str, object]] = {"database": {"ok": db_ok, "detail": db_info}}
    redis_state = _redis_ok()
    if redis_state is not None:
        checks["redis"] = {"ok": redis_state[0], "detail": redis_state[1]}
    healthy = all(bool(c["ok"]) for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
