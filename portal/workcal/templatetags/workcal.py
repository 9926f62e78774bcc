"""Template filters of the working-day calendar, for every app's templates.

    {% load workcal %}
    {{ task.due_date|deadline }}

renders the date (localised DATE_FORMAT, or the format given as argument) in a <time> element,
followed by a "provisional" badge when the date's calendar year is not confirmed (or has no data),
because the deadline may still move when the year is confirmed.
"""

from datetime import date, datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import pgettext

from portal.workcal.days import is_provisional

register = template.Library()


@register.filter
def deadline(value, fmt="DATE_FORMAT"):
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return value
    text = format_html('<time datetime="{}">{}</time>', value.isoformat(), formats.date_format(value, fmt))
    if not is_provisional(value):
        return text
    return format_html(
        '{} <span class="badge text-bg-warning" title="{}">{}</span>',
        text,
        pgettext(
            "deadline badge title",
            "The working-day calendar for this year is not confirmed yet; the date may still move.",
        ),
        pgettext("deadline badge", "provisional"),
    )
