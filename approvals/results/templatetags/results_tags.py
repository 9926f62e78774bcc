"""Template tags that feed the results panels included in the approvals pages, so the approvals
views need no change: `{% results_applicant_panel application as panel %}` and
`{% results_official_panel application as panel %}` (the user is the request's)."""

from django import template

from approvals.results import forms, permissions, selectors

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def results_applicant_panel(context, application):
    panel = selectors.applicant_panel(user=_user(context), application=application)
    if panel is not None:
        delivery = panel["delivery"]
        initial = {"method": delivery.method if delivery else panel["methods"][0]}
        if delivery is not None:
            initial.update(recipient=delivery.recipient, phone=delivery.phone, address=delivery.address)
        panel["form"] = forms.DeliveryChoiceForm(initial=initial, methods=panel["methods"])
        panel["can_see_phone"] = True  # the applicant's own delivery
    return panel


@register.simple_tag(takes_context=True)
def results_official_panel(context, application):
    panel = selectors.official_panel(user=_user(context), application=application)
    if panel is not None:
        panel["ship_form"] = forms.ShipForm()
        panel["can_see_phone"] = permissions.can_see_delivery_phone(_user(context), application)
    return panel
