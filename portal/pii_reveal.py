"""Showing one encrypted personal-data value in full (the "show" action), always audited.

Each app's view decides who may see the value (its own permissions module; objects the user may
not see answer 404 before this runs) and then calls `reveal_response`. The audit event names who
looked, at which object, which field and why — never the value itself.
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.audit.actions import register_actions
from portal.audit.services import audit_record

REVEAL_ACTION = "pii.reveal"

register_actions({REVEAL_ACTION: _("Personal data shown in full")})


def pii_reveal(*, actor, obj, field: str, purpose: str) -> str:
    """The plaintext of `obj.<field>`, after recording that `actor` saw it (and why). An empty
    value shows nothing and records nothing."""
    return pii_reveal_value(
        actor=actor, obj=obj, field=field, value=getattr(obj, field) or "", purpose=purpose
    )


@transaction.atomic
def pii_reveal_value(*, actor, obj, field: str, value: str, purpose: str) -> str:
    """Record that `actor` saw `value`, a personal-data value kept inside `obj` (e.g. one answer of
    an application's form, field "form_data.<key>"), and return it."""
    if value:
        audit_record(actor=actor, action=REVEAL_ACTION, obj=obj, after={"field": field}, reason=purpose)
    return value


def reveal_response(request, *, obj, field: str, purpose: str, back_url: str = ""):
    """The value as a small fragment for htmx (it replaces the masked value in place), or as a
    page of its own when the browser posted the form without JavaScript. Never cached."""
    value = pii_reveal(actor=request.user, obj=obj, field=field, purpose=purpose)
    return value_response(
        request, value=value, label=obj._meta.get_field(field).verbose_name, back_url=back_url
    )


def value_response(request, *, value: str, label: str, back_url: str = ""):
    """Render a value already recorded as revealed (see reveal_response)."""
    context = {"value": value, "label": label, "back_url": back_url}
    template = "portal/_pii_value.html" if request.headers.get("HX-Request") else "portal/pii_value.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response
