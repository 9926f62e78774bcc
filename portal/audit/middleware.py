"""Request context for the audit trail: a request id and the client IP, for every request.

The request id is taken from a well-formed ``X-Request-ID`` header (set by a proxy, so logs and
audit events line up) or generated; it is sent back in the response's ``X-Request-ID`` header.

The client IP is ``REMOTE_ADDR``. Behind reverse proxies set ``AUDIT_TRUST_X_FORWARDED_FOR``:
``True`` (one proxy) or the number of proxies in front of the application; the address is then
read from ``X-Forwarded-For`` counting that many entries from the right, the part the proxies
wrote themselves (entries further left are whatever the client sent, and can be forged).
"""

from __future__ import annotations

import re

from django.conf import settings

from portal.audit.context import audit_context, new_request_id, normalise_ip

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,64}")


def request_id_from(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if _SAFE_REQUEST_ID.fullmatch(given):
        return given
    return new_request_id()


def client_ip(request) -> str | None:
    trusted = getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False)
    if trusted:
        proxies = 1 if trusted is True else int(trusted)
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if 0 < proxies <= len(forwarded) and (ip := normalise_ip(forwarded[-proxies])):
            return ip
    return normalise_ip(request.META.get("REMOTE_ADDR"))


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request)
        request.request_id = request_id
        with audit_context(request_id=request_id, ip=client_ip(request)):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response
