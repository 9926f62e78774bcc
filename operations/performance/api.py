"""The monitoring feed: the project company's systems (or IoT gateways acting with the company
representative's credentials — session or HTTP basic) post indicator values per period.

POST /ppp/performance/api/records/
  {"project": "<code>", "indicator": "<indicator code>", "period_start": "2025-01-01",
   "period_end": "2025-03-31", "value": "99.2", "note": "..."}
→ 201 {"id": ..., "value": "99.2000", "source": "feed"}. A project the user may not see → 404.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from operations.performance import permissions as perms
from operations.performance import selectors, services
from operations.performance.models import Indicator, Source


class RecordIn(serializers.Serializer):
    project = serializers.SlugField()
    indicator = serializers.CharField(max_length=32)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    value = serializers.DecimalField(max_digits=18, decimal_places=4)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MayReport(permissions.BasePermission):
    """Refused before the body is read: only people with a use for PPP performance may post."""

    def has_permission(self, request, view):
        return perms.can_use_performance(request.user)


class RecordCreate(GenericAPIView):
    serializer_class = RecordIn
    permission_classes = [permissions.IsAuthenticated, MayReport]

    def post(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        project = selectors.project_get(request.user, values["project"])
        framework = services.current_framework(project)
        indicator = Indicator.objects.filter(framework=framework, code=values["indicator"], level=3).first()
        if indicator is None:
            return Response({"indicator": [_("Unknown indicator.")]}, status=status.HTTP_400_BAD_REQUEST)
        record = services.record_add(
            actor=request.user,
            indicator=indicator,
            period_start=values["period_start"],
            period_end=values["period_end"],
            value=values["value"],
            source=Source.FEED,
            note=values["note"],
        )
        return Response(
            {"id": record.pk, "value": str(record.value), "source": record.source},
            status=status.HTTP_201_CREATED,
        )
