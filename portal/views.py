"""Platform pages: the home page and the health check."""

import time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from portal.audit.services import audit_record
from portal.celery import app as celery_app
from portal.forms import ApplicantRegistrationForm
from portal.notifications.selectors import undelivered_count


def is_api_path(path: str) -> bool:
    """/api/… and the APIs the apps mount under their own prefix (e.g. /matters/api/…)."""
    return path.startswith("/api/") or "/api/" in path


def page_not_found(request, exception=None):
    """404: JSON for API paths (an API client never gets an HTML page), else the site's page."""
    if is_api_path(request.path_info):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    from django.views import defaults

    return defaults.page_not_found(request, exception)


@login_required
def home(request):
    return render(request, "portal/home.html")


@sensitive_post_parameters("password1", "password2")
def register(request):
    """Applicants (citizens and enterprises) create their own account; officials are created by admins."""
    if request.user.is_authenticated:
        return redirect("home")
    form = ApplicantRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                audit_record(actor=user, action="account.register", obj=user, after={"kind": user.kind})
        except IntegrityError as exc:
            # Two registrations with one ID number at the same moment: the blind index's unique
            # constraint lets one through; the other gets the form's answer, not a 500.
            if "user_id_number_unique" not in str(exc):
                raise
            form.add_error("id_number", _("An account with this ID number already exists; log in instead."))
            return render(request, "registration/register.html", {"form": form})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. You can now apply online and follow your applications."))
        return redirect(
            request.GET.get("next")
            if url_has_allowed_host_and_scheme(request.GET.get("next"), allowed_hosts={request.get_host()})
            else "home"
        )
    return render(request, "registration/register.html", {"form": form})


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
