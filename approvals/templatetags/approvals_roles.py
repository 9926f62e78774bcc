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


@register.filter
def is_supervisor(user) -> bool:
    """Officials holding the supervisor role in any unit (electronic supervision)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    from coordination.models import Position

    return Position.objects.filter(user=user, active=True, roles__code="supervisor").exists()
