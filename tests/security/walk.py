"""Walk the URL resolver; classify a response into the matrix's outcomes."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver

# Django admin has its own permission system (is_staff + model permissions), tested by Django;
# the matrix checks that the admin site as a whole answers only to staff (see ADMIN below).
SKIPPED_PREFIXES = ("admin/",)


def route_names() -> list[str]:
    """Every named route outside Django admin, as `namespace:name` (DRF format-suffix twins once)."""
    names: list[str] = []

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                route = prefix + str(pattern.pattern)
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                space = namespace
                if pattern.namespace:
                    space = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, route, space)
            elif isinstance(pattern, URLPattern):
                if not pattern.name:
                    raise AssertionError(f"unnamed route {prefix}{pattern.pattern}: name it")
                full = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if full not in names:
                    names.append(full)

    walk(get_resolver().url_patterns, "", "")
    return names


OK, LOGIN, DENIED, HIDDEN, GONE, LIMITED = "ok", "login", "403", "404", "405", "429"


def outcome(response) -> str:
    """What the user experienced: served (any 2xx, a redirect elsewhere than login, a form error),
    sent to log in (302 to the login page, or 401), refused (403), not found (404), wrong method.
    400, 409 and 415 (input refused, or a body of the wrong media type) count as served: the request
    got past authentication and permission to the view's own checks."""
    code = response.status_code
    if code in (301, 302, 303):
        location = response.get("Location", "")
        return LOGIN if location.split("?")[0].endswith(resolve_url(settings.LOGIN_URL)) else OK
    if code == 401:
        return LOGIN
    if code in (200, 201, 204, 400, 409, 415):
        return OK
    if code == 403:
        return DENIED
    if code == 404:
        return HIDDEN
    if code == 405:
        return GONE
    if code == 429:
        return LIMITED
    return str(code)
