from django import template

from coordination.models import OrgKind

register = template.Library()

KIND_COLOURS = {
    OrgKind.PARTY_COMMITTEE: "danger",
    OrgKind.GOVERNMENT: "primary",
    OrgKind.DEPARTMENT: "info",
    OrgKind.BUREAU: "info",
    OrgKind.OFFICE: "secondary",
    OrgKind.LEADING_GROUP: "warning",
    OrgKind.INSTITUTION: "dark",
    OrgKind.ENTERPRISE: "success",
    OrgKind.SOCIAL_ORG: "success",
}


@register.filter
def kind_colour(kind: str) -> str:
    """Bootstrap colour name for an organisation kind's badge."""
    return KIND_COLOURS.get(kind, "secondary")
