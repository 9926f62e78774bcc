from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from operations.models import FlagStatus, Regime, Stage


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    regime = forms.ChoiceField(label=_("Regime"), required=False, choices=[("", _("All")), *Regime.choices])
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All")), *Stage.choices])
    sector = forms.CharField(label=_("Sector"), required=False)
    agency = forms.CharField(label=_("Implementing agency (code)"), required=False)


class TransitionForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Next stage"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FlagResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Resolution"),
        choices=[(FlagStatus.CONFIRMED, _("Confirm")), (FlagStatus.DISMISSED, _("Dismiss"))],
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BenchmarkImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
    dry_run = forms.BooleanField(label=_("Check only, do not save"), required=False)
