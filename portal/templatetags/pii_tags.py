"""`{% pii_masked obj "phone" reveal_url %}`: an encrypted value masked, with a "Show" button
(a POST form; htmx swaps the answer in place) when the page was given a reveal URL."""

from django import template

from portal import pii

register = template.Library()


@register.inclusion_tag("portal/_pii_masked.html", takes_context=True)
def pii_masked(context, obj, field: str, reveal_url: str = ""):
    return {
        "masked": pii.masked_value(obj, field) if obj is not None else "",
        "reveal_url": reveal_url,
        "csrf_token": context.get("csrf_token"),
    }
