"""Filters of the approvals API lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from approvals.models import Application, DepartmentTask
from approvals.workflow import TERMINAL_TASK_STATES, ApplicationStatus, TaskStatus
from portal.clocks.models import Signal


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices)

    class Meta:
        model = Application
        fields = ["status"]


class TaskFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices)
    signal = django_filters.MultipleChoiceFilter(
        choices=Signal.choices, help_text=_("Signal of the review clock.")
    )
    open = django_filters.BooleanFilter(
        method="filter_open", help_text=_("Only tasks still to decide (true) or only decided ones (false).")
    )
    department = django_filters.CharFilter(field_name="department__code", help_text=_("Department code."))
    application = django_filters.UUIDFilter(field_name="application__uuid", help_text=_("Application UUID."))

    class Meta:
        model = DepartmentTask
        fields = ["status", "signal", "open", "department", "application"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.exclude(status__in=TERMINAL_TASK_STATES)
        return queryset.filter(status__in=TERMINAL_TASK_STATES)
