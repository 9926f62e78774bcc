from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from operations.performance.models import Source
from portal.forms import BootstrapStyleMixin

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
SMALL = {"class": "form-control form-control-sm"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".xlsx", ".docx")


class RecordForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    value = forms.DecimalField(
        label=_("Value"), max_digits=18, decimal_places=4, widget=forms.TextInput(attrs=SMALL)
    )
    source = forms.ChoiceField(
        label=_("Source"),
        choices=Source.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput(attrs=SMALL))


class EvaluationCreateForm(forms.Form):
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)


class ScoreForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(
        label=_("Value"), max_digits=18, decimal_places=4, widget=forms.TextInput(attrs=SMALL)
    )
    evidence_text = forms.CharField(label=_("Evidence"), required=False, widget=forms.TextInput(attrs=SMALL))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            if upload.size > MAX_EVIDENCE_BYTES:
                raise forms.ValidationError(_("The file is larger than 10 MB."))
            if not upload.name.lower().endswith(EVIDENCE_TYPES):
                raise forms.ValidationError(_("Upload a PDF, image, Excel or Word file."))
        return upload


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("open", "submit_self", "submit_scores", "return", "approve", "publish")]
    )
    note = forms.CharField(required=False)


class AssignForm(forms.Form):
    username = forms.CharField(label=_("Evaluator's user name"), widget=forms.TextInput(attrs=SMALL))


class CalculateForm(forms.Form):
    events = forms.IntegerField(
        label=_("Failure events (empty: counted from the per-event indicators)"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs=SMALL),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=18, decimal_places=2, widget=forms.TextInput(attrs=SMALL)
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    reference = forms.CharField(label=_("Reference"), max_length=100, widget=forms.TextInput(attrs=SMALL))


class FrameworkForm(forms.Form):
    goals = forms.CharField(
        label=_("Performance goals"), required=False, widget=forms.Textarea(attrs={"rows": 2, **SMALL})
    )
    tree = forms.CharField(
        label=_("Indicator tree (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace"}),
    )

    def clean_tree(self):
        try:
            tree = json.loads(self.cleaned_data["tree"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("The tree is not valid JSON: %(error)s") % {"error": exc}) from None
        if not isinstance(tree, list):
            raise forms.ValidationError(_("The tree is a list of the three level-1 indicators."))
        return tree


class MechanismForm(BootstrapStyleMixin, forms.Form):
    """The contract's payment mechanism: amounts per period, score bands, abatements, incentives."""

    contract_version = forms.IntegerField(label=_("Contract version"), min_value=1, initial=1)
    availability_payment = forms.BooleanField(label=_("Availability payment"), required=False, initial=True)
    linked_amount = forms.DecimalField(
        label=_("Performance-linked amount per period (yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    fixed_amount = forms.DecimalField(
        label=_("Fixed amount per period (yuan)"), max_digits=16, decimal_places=2, min_value=0, initial=0
    )
    bands = forms.CharField(
        label=_("Score bands (JSON)"),
        help_text=_(
            'A list of {"min", "max", "kind": "step" or "linear", "coef_min", "coef_max"} covering 0–100, '
            'e.g. [{"min": 0, "max": 60, "kind": "step", "coef_min": 0}, '
            '{"min": 80, "max": 90, "kind": "linear", "coef_min": 0.9, "coef_max": 1.0}, …].'
        ),
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control font-monospace"}),
    )
    abatement_per_event = forms.DecimalField(
        label=_("Abatement per failure event (yuan)"), max_digits=16, decimal_places=2, min_value=0, initial=0
    )
    incentive_from = forms.DecimalField(
        label=_("Incentive above score"), max_digits=5, decimal_places=2, required=False
    )
    incentive_per_point = forms.DecimalField(
        label=_("Incentive per point (yuan)"), max_digits=16, decimal_places=2, min_value=0, initial=0
    )
    incentive_cap = forms.DecimalField(
        label=_("Incentive cap (yuan)"), max_digits=16, decimal_places=2, min_value=0, initial=0
    )
    payment_due_days = forms.IntegerField(
        label=_("Payment due (working days after approval)"), min_value=1, max_value=365, initial=20
    )

    bootstrap_size = "sm"

    def clean_bands(self):
        try:
            bands = json.loads(self.cleaned_data["bands"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("The bands are not valid JSON: %(error)s") % {"error": exc}
            ) from None
        if not isinstance(bands, list):
            raise forms.ValidationError(_("The bands are a list."))
        return bands
