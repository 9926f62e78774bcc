"""Session idle timeout for officials, the two-factor gate, and rate limits."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import ratelimits
from .rules import has_confirmed_device
from .signals import SESSION_LAST_SEEN, SESSION_PENDING

# Seconds between writes of the last-seen time (a session write per request is not needed).
LAST_SEEN_RESOLUTION = 30


def _is_api(request) -> bool:
    return "/api/" in request.path_info


def _is_passive(request) -> bool:
    """Requests the page makes by itself (the notification badge polls every minute): not activity."""
    return request.path_info == reverse("notifications:badge")


def idle_timeout_applies(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or getattr(user, "is_official", False))
    )


class IdleTimeoutMiddleware:
    """Officials and staff are logged out after OFFICIAL_IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        minutes = getattr(settings, "OFFICIAL_IDLE_TIMEOUT_MINUTES", 30)
        if user is not None and minutes and idle_timeout_applies(user):
            now = int(time.time())
            last = request.session.get(SESSION_LAST_SEEN)
            if last is not None and now - int(last) > minutes * 60:
                request.logout_reason = "idle"
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity. Please log in again.")
                    % {"minutes": minutes},
                )
            elif (last is None or now - int(last) >= LAST_SEEN_RESOLUTION) and not _is_passive(request):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """After a password login that owes a second factor, only the two-factor pages are open."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open = None

    def open_paths(self):
        if self._open is None:
            self._open = (
                reverse("security:verify"),
                reverse("security:enrol"),
                reverse("logout"),
                "/i18n/",
                "/" + settings.STATIC_URL.lstrip("/"),
            )
        return self._open

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(SESSION_PENDING)
            and not user.is_verified()
            and not request.path_info.startswith(self.open_paths())
        ):
            if request.headers.get("HX-Request"):
                # A fragment the page loads by itself (the notification badge): nothing to swap in.
                return HttpResponse(status=403)
            if _is_api(request):
                return JsonResponse(
                    {"detail": _("Two-factor verification is required. Log in again in the browser.")},
                    status=403,
                )
            target = "security:verify" if has_confirmed_device(user) else "security:enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class RateLimitMiddleware:
    """429 Too Many Requests with Retry-After on the entry points listed in portal.security.ratelimits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rule = ratelimits.rule_for(request)
        if rule is not None:
            wait = ratelimits.check(request, rule)
            if wait is not None:
                return too_many_requests(request, wait)
        return self.get_response(request)


def too_many_requests(request, wait: int):
    minutes = max(1, (wait + 59) // 60)
    message = _("Too many requests from your address. Please wait %(minutes)d minutes and try again.") % {
        "minutes": minutes
    }
    if _is_api(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "security/too_many_requests.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response
