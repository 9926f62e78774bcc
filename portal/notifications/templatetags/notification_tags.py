"""Template helpers for notification texts."""

from django import template

register = template.Library()


@register.filter
def absolute(value):
    """|x| of a number (e.g. working days overdue from a negative remaining count)."""
    try:
        return abs(int(value))
    except (TypeError, ValueError):
        return value
