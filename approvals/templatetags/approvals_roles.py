"""Template filters about the user's approval roles (for navigation only; views check permissions)."""

from django import template

from approvals import permissions

register = template.Library()


@register.filter
def is_government_agent(user) -> bool:
    return permissions.is_government_agent(user)


@register.simple_tag
def credit_bar(applicant):
    """The credit record barring the applicant from acceptance on pledge today, or None."""
    from approvals.selectors.assistance import active_credit_bar

    return active_credit_bar(applicant)
