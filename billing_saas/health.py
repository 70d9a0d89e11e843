"""/healthz: can this instance reach its database, its broker and at least one worker?"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

WORKER_PING_TIMEOUT = 1.0


def _check(fn) -> dict:
    started = time.monotonic()
    try:
        detail = fn()
    except Exception as exc:  # noqa: BLE001 - any failure means "down", with its reason
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    if detail:
        result.update(detail)
    return result


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker():
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1
    )
    try:
        client.ping()
    finally:
        client.close()


def _workers():
    from billing_saas.celery import app

    replies = app.control.ping(timeout=WORKER_PING_TIMEOUT)
    if not replies:
        raise RuntimeError("no Celery worker answered")
    return {"workers": sorted(name for reply in replies for name in reply)}


@never_cache
def healthz(request):
    checks = {"database": _check(_database), "broker": _check(_broker)}
    checks["worker"] = (
        _check(_workers) if checks["broker"]["ok"] else {"ok": False, "error": "broker unreachable"}
    )
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
