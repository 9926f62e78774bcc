"""Who is asking, from where: the request id and client IP that audit events carry.

The middleware sets them for each web request; Celery tasks and management commands set them
with `audit_context`. Outside any context an event has an empty request id and no IP.
"""

from __future__ import annotations

import contextvars
import ipaddress
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.ipv6 import clean_ipv6_address


@dataclass(frozen=True)
class AuditContext:
    request_id: str = ""
    ip: str | None = None


_EMPTY = AuditContext()
_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context", default=_EMPTY)

REQUEST_ID_MAX_LENGTH = 64


def new_request_id() -> str:
    return uuid.uuid4().hex


def normalise_ip(value: str | None) -> str | None:
    """A valid IP address in the form the database gives back (IPv6 compressed, lower case), or
    None for anything else."""
    if not value:
        return None
    value = value.strip()
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6:
        return clean_ipv6_address(str(address))
    return str(address)


def current_context() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(*, request_id: str | None = None, ip: str | None = None) -> Iterator[AuditContext]:
    """Run a block with this request id (a new one when None) and client IP, e.g. in a Celery
    task: ``with audit_context(request_id=f"task-{self.request.id}"): ...``."""
    context = AuditContext(
        request_id=(request_id or new_request_id())[:REQUEST_ID_MAX_LENGTH], ip=normalise_ip(ip)
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def task_request_id(task) -> str:
    """The request id for audit events written by a Celery task run: "task-<celery task id>"."""
    task_id = getattr(getattr(task, "request", None), "id", None)
    return f"task-{task_id}"[:64] if task_id else new_request_id()
