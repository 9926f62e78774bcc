"""`{% case_notices application as notices %}`: the supervision notices shown on the official case
page, so the approvals view needs no change (the case page has already checked access)."""

from django import template

from approvals.supervision import permissions, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def case_notices(context, application):
    request = context.get("request")
    user = getattr(request, "user", None)
    notices = selectors.case_notices(user=user, application=application)
    is_supervisor = user is not None and permissions.can_supervise_unit(user, application.lead_department)
    return {
        "notices": notices,
        "is_supervisor": is_supervisor,
        # Supervisors drill down to every department's review clock (the lead's own table is
        # shown to the lead department only).
        "tasks": selectors.case_task_clocks(application) if is_supervisor else [],
    }
