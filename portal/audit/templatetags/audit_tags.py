"""Template helpers for the audit timeline ({% load audit_tags %})."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.audit.actions import action_label, choice_label, field_label

register = template.Library()

VALUE_LENGTH = 120


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str
    after: str
    added: bool  # no value before (e.g. a creation)
    removed: bool  # no value after (e.g. a deletion)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def format_value(value) -> str:
    """A compact, human form of a snapshot value."""
    if _blank(value):
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, dict):
        text = ", ".join(
            f"{k}: {format_value(v)}" for k, v in value.items() if not _blank(v) and v is not False
        )
    elif isinstance(value, list):
        text = "; ".join(format_value(v) for v in value)
    else:
        text = str(value)
    return Truncator(text).chars(VALUE_LENGTH)


def event_changes(event) -> list[Change]:
    """The keys whose value differs between before and after, in a stable order."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    model = None
    if event.content_type_id:
        model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    keys = list(before) + [k for k in after if k not in before]
    changes = []
    for key in keys:
        old_value, new_value = before.get(key), after.get(key)
        if isinstance(old_value, list) and isinstance(new_value, list):
            # Lists (e.g. nameplates): only the items that went and the items that came.
            old_value, new_value = (
                [item for item in old_value if item not in new_value],
                [item for item in new_value if item not in old_value],
            )
            if not old_value and not new_value:
                continue  # the same items in another order
        old = format_value(choice_label(model, key, old_value))
        new = format_value(choice_label(model, key, new_value))
        if old == new:
            continue
        changes.append(
            Change(
                key=key,
                label=field_label(model, key),
                before=old,
                after=new,
                added=event.before is None,
                removed=event.after is None,
            )
        )
    return changes


@register.filter
def audit_action(event) -> str:
    return action_label(event.action)


@register.filter
def audit_changes(event) -> list[Change]:
    return event_changes(event)
