"""Template filters of the approvals pages: the user's roles (for navigation only; views check
permissions) and the colours of status badges."""

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


@register.filter
def is_supervisor(user) -> bool:
    """Officials who supervise some government's approvals: the dashboard's own rule."""
    return permissions.is_supervisor(user)


@register.filter
def status_badge(status: str) -> str:
    """The Bootstrap badge class of an application status."""
    from approvals.selectors.applicant import badge

    return badge(status)


@register.filter
def task_badge(status: str) -> str:
    """The Bootstrap badge class of a department task status."""
    from approvals.selectors.applicant import TASK_BADGES

    return TASK_BADGES.get(status, "text-bg-secondary")
