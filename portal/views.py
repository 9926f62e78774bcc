"""Platform pages: the home page and the health check."""

import time

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.celery import app as celery_app
from portal.notifications.selectors import undelivered_count


@login_required
def home(request):
    return render(request, "portal/home.html")


def _check_database() -> dict:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"; the reason is reported
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_broker() -> dict:
    started = time.monotonic()
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "transport": str(transport), "ms": round((time.monotonic() - started) * 1000, 1)}


def _undelivered_notifications() -> int | None:
    try:
        return undelivered_count()
    except Exception:  # noqa: BLE001 - the database check above reports why
        return None


@never_cache
@require_GET
def healthz(request):
    """Machine-readable health: 200 when the database and the broker answer, else 503."""
    database = _check_database()
    broker = _check_broker()
    ok = database["ok"] and broker["ok"]
    body = {
        "status": "ok" if ok else "degraded",
        "database": database,
        "broker": broker,
        # Outbox deliveries not sent yet: pending, sending or failed (see docs/notifications.md).
        "notifications": {"undelivered": _undelivered_notifications()},
    }
    return JsonResponse(body, status=200 if ok else 503)
