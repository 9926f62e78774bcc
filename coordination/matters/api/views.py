"""Read-only API of coordination matters, scoped by the same selector as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from .. import selectors
from .serializers import MatterDetailOutput, MatterListOutput

FILTERS = [
    OpenApiParameter(
        "tab",
        str,
        enum=["leading", "cooperating"],
        description=_("Only matters my units lead / cooperate on."),
    ),
    OpenApiParameter("unit", int, description=_("Lead or cooperating unit (id).")),
    OpenApiParameter(
        "status", str, description=_("Matter status, or 'active' for open, in progress and reported.")
    ),
    OpenApiParameter("signal", str, enum=["green", "yellow", "red", "paused", "done"]),
    OpenApiParameter("leader", int, description=_("Responsible leading-group member (id).")),
    OpenApiParameter("q", str, description=_("Text in the number or title.")),
]


@extend_schema_view(
    list=extend_schema(summary=_("Coordination matters the caller may see"), parameters=FILTERS),
    retrieve=extend_schema(summary=_("One coordination matter")),
)
class MatterViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends: list = []

    def get_serializer_class(self):
        return MatterDetailOutput if self.action == "retrieve" else MatterListOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.Matter.objects.none()
        if self.action == "retrieve":
            return (
                selectors.matters_for(self.request.user)
                .select_related("lead_unit", "raised_by", "clock")
                .prefetch_related("cooperating_units", "milestones", "children")
            )
        return selectors.matter_list(
            user=self.request.user, filters=selectors.MatterFilters.from_query(self.request.query_params)
        )

    def get_object(self):
        obj = (
            self.get_queryset()
            .filter(pk=self.kwargs.get("pk") if str(self.kwargs.get("pk", "")).isdigit() else None)
            .first()
        )
        if obj is None:
            raise NotFound
        return obj
