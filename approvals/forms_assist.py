"""Forms for authorising an agent (代办), choosing the assessed area (区域评估) and verifying a pledge."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.forms_work import WorkForm
from approvals.models import Item, Package
from approvals.selectors import assistance as assist
from approvals.selectors import guide_items, guide_packages
from portal.clocks import services as clocks
from portal.forms import BootstrapStyleMixin


class _Styled(BootstrapStyleMixin, forms.Form):
    pass


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        units = ", ".join(p.unit.name for p in obj.positions.all() if p.active)
        return f"{obj.full_name or obj.username} · {units}" if units else obj.full_name or obj.username


class AgentGrantForm(_Styled):
    agent = AgentChoiceField(queryset=None, label=_("Government agent (代办员)"), empty_label=None)
    may_prepare = forms.BooleanField(
        label=_("Fill in, hand in materials and submit for me"), required=False, initial=True
    )
    may_withdraw = forms.BooleanField(label=_("Withdraw my applications"), required=False)
    item = forms.ModelChoiceField(
        queryset=Item.objects.none(),
        required=False,
        label=_("Only for this item (optional)"),
        empty_label=_("Any service"),
    )
    package = forms.ModelChoiceField(
        queryset=Package.objects.none(),
        required=False,
        label=_("Only for this package (optional)"),
        empty_label=_("Any service"),
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = assist.government_agents().prefetch_related("positions__unit")
        self.fields["item"].queryset = guide_items().order_by("name")
        self.fields["package"].queryset = guide_packages().order_by("name")
        self.fields["valid_until"].initial = clocks.local_today() + datetime.timedelta(days=90)


class RevokeGrantForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=200)


class AreaForm(_Styled):
    area = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("The project lies in"),
        empty_label=_("None of these areas"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = assist.areas_with_assessments()


class VerificationForm(WorkForm):
    kept = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), ("yes", _("The pledge was kept")), ("no", _("The pledge was false"))],
        coerce=lambda v: v == "yes",
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
