"""Organisation chart API: officials read, admins write through the services."""

import django_filters
from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from coordination import selectors, services
from coordination.api.serializers import (
    LeadingGroupOutput,
    OrgUnitInput,
    OrgUnitOutput,
    OrgUnitUpdateInput,
)
from coordination.models import LeadingGroupMember, OrgKind, OrgLevel, OrgUnit
from coordination.permissions import ChartPermission
from coordination.views import strip_control_chars


class SearchTextField(forms.CharField):
    """Drops control characters (NUL among them) before the field's validators see the text."""

    def to_python(self, value):
        return super().to_python(strip_control_chars(value) if isinstance(value, str) else value)


class SearchTextFilter(django_filters.CharFilter):
    field_class = SearchTextField


class OrgUnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)
    level = django_filters.TypedChoiceFilter(choices=OrgLevel.choices, coerce=int)
    line = django_filters.CharFilter(field_name="line__code", help_text=_("Functional line code."))
    parent = django_filters.CharFilter(method="filter_parent", help_text=_("Code of the parent unit."))
    q = SearchTextFilter(
        method="filter_text", help_text=_("Text: any nameplate, code, division code or USCC.")
    )
    active = django_filters.BooleanFilter()

    class Meta:
        model = OrgUnit
        fields = ["kind", "level", "line", "parent", "q", "active"]

    def filter_parent(self, queryset, name, value):
        parent = OrgUnit.objects.filter(code=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)

    def filter_text(self, queryset, name, value):
        return queryset.filter(selectors.org_text_query(value.strip())) if value.strip() else queryset


class OrgUnitViewSet(viewsets.ModelViewSet):
    """Organisation units (the chart). Lookup by unit code."""

    permission_classes = [ChartPermission]
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # unit and group codes are slugs
    filterset_class = OrgUnitFilter
    serializer_class = OrgUnitOutput
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.org_unit_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return OrgUnitInput
        if self.action in ("update", "partial_update"):
            return OrgUnitUpdateInput
        return OrgUnitOutput

    def _output(self, unit, status_code=status.HTTP_200_OK):
        unit = self.get_queryset().get(pk=unit.pk)
        return Response(OrgUnitOutput(unit, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=OrgUnitInput, responses={201: OrgUnitOutput})
    def create(self, request, *args, **kwargs):
        serializer = OrgUnitInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent = data.pop("parent", None)
        unit = services.org_unit_create(actor=request.user, parent=parent, data=data)
        return self._output(unit, status.HTTP_201_CREATED)

    @extend_schema(request=OrgUnitUpdateInput, responses={200: OrgUnitOutput})
    def update(self, request, *args, **kwargs):
        unit = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = OrgUnitUpdateInput(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent = data.pop("parent", services.KEEP)
        unit = services.org_unit_update(actor=request.user, unit=unit, data=data, parent=parent)
        return self._output(unit)

    @extend_schema(request=OrgUnitUpdateInput, responses={200: OrgUnitOutput})
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        services.org_unit_delete(actor=request.user, unit=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class LeadingGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leading groups with their members (co-leaders, deputies, members, office director)."""

    permission_classes = [ChartPermission]
    serializer_class = LeadingGroupOutput
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # unit and group codes are slugs

    def get_queryset(self):
        members = LeadingGroupMember.objects.select_related("represents").order_by("sort_order", "id")
        return selectors.leading_groups(user=self.request.user).prefetch_related(
            Prefetch("group_members", queryset=members)
        )
