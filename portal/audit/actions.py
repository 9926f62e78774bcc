"""Human words for action codes and for the keys of before/after snapshots.

Apps register their own, at import time of the module that records the events (e.g. their
services module)::

    from django.utils.translation import gettext_lazy as _
    from portal.audit.actions import register_actions, register_field_labels

    register_actions({"clock.start": _("Clock started")})
    register_field_labels({"due_date": _("due date")}, model=Clock)

The timeline shows an unknown action code as it is. A snapshot key is named by the label
registered for the event's model, else by the model field's verbose name (or, for a reverse
relation such as "nameplates", the related model's plural name), else by a label registered for
all models, else as it is.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

ACTION_LABELS: dict[str, str] = {}
# model label ("app_label.modelname", or "" for any model) -> snapshot key -> label
FIELD_LABELS: dict[str, dict[str, str]] = {}


def register_actions(labels: dict[str, str]) -> None:
    """Add (or replace) labels: action code -> translated (lazy) label."""
    ACTION_LABELS.update(labels)


def register_field_labels(labels: dict[str, str], *, model=None) -> None:
    """Add labels for snapshot keys that are not model fields (e.g. "parent"), for one model
    (a model class) or, without `model`, for all."""
    FIELD_LABELS.setdefault(model._meta.label_lower if model is not None else "", {}).update(labels)


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def _model_field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def field_label(model, key: str) -> str:
    """The translated name of a snapshot key for an event about `model` (None: no model)."""
    if model is not None and key in FIELD_LABELS.get(model._meta.label_lower, {}):
        return capfirst(str(FIELD_LABELS[model._meta.label_lower][key]))
    field = _model_field(model, key)
    if field is not None:
        if field.auto_created and not field.concrete:  # a reverse relation, e.g. "nameplates"
            return capfirst(str(field.related_model._meta.verbose_name_plural))
        return capfirst(str(field.verbose_name))
    if key in FIELD_LABELS.get("", {}):
        return capfirst(str(FIELD_LABELS[""][key]))
    return key


def choice_label(model, key: str, value):
    """The display label of `value` when the model field `key` has choices, else `value`."""
    field = _model_field(model, key)
    if field is not None and getattr(field, "flatchoices", None) and not isinstance(value, list | dict):
        for choice, label in field.flatchoices:
            if choice == value:
                return str(label)
    return value
