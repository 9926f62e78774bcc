"""Forms of the intermediary market (validation of input only; the services decide)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import BootstrapStyleMixin

from .models import Need, Qualification, SelectionMode, ServiceType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NeedForm(BootstrapStyleMixin, forms.ModelForm):
    criteria_text = forms.CharField(
        label=_("Merit criteria (one per line: name, weight)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for merit selection; the weights add up to 100, e.g. “技术方案, 60”."),
    )

    class Meta:
        model = Need
        fields = [
            "service_type",
            "project_name",
            "application",
            "budget_ceiling",
            "service_days",
            "public_funds",
            "mode",
            "requirements",
        ]
        widgets = {"requirements": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        from approvals.models import Application

        self.fields["application"].queryset = Application.objects.filter(applicant=owner).order_by(
            "-created_at"
        )
        self.fields["application"].required = False
        self.fields["application"].label_from_instance = lambda a: (
            f"{a.number or _('draft')} {a.subject_name}"
        )

    def clean_criteria_text(self):
        rows = []
        for line in (self.cleaned_data.get("criteria_text") or "").splitlines():
            if not line.strip():
                continue
            name, _sep, weight = line.replace("，", ",").rpartition(",")
            try:
                rows.append({"name": name.strip(), "weight": str(Decimal(weight.strip()))})
            except InvalidOperation:
                raise forms.ValidationError(_("Write each criterion as “name, weight”.")) from None
            if not name.strip():
                raise forms.ValidationError(_("Write each criterion as “name, weight”."))
        return rows

    def service_data(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in self.Meta.fields}
        data["criteria"] = self.cleaned_data.get("criteria_text") or []
        return data


class BidForm(BootstrapStyleMixin, forms.Form):
    price = forms.DecimalField(
        label=_("Quoted price (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    proposal = forms.CharField(
        label=_("Service proposal"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContractForm(BootstrapStyleMixin, forms.Form):
    contract_no = forms.CharField(label=_("Contract number"), max_length=64)
    amount = forms.DecimalField(label=_("Contract amount (yuan)"), max_digits=12, decimal_places=2)


class DirectPickForm(BootstrapStyleMixin, forms.Form):
    intermediary = forms.ModelChoiceField(label=_("Intermediary to pick"), queryset=None)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intermediary"].queryset = queryset


class ReasonForm(BootstrapStyleMixin, forms.Form):
    reason = forms.CharField(label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(BootstrapStyleMixin, forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(i, "★" * i) for i in range(5, 0, -1)]
    )
    comment = forms.CharField(
        label=_("Comment on the service"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ComplaintForm(BootstrapStyleMixin, forms.Form):
    text = forms.CharField(
        label=_("Complaint about the intermediary"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ResultForm(BootstrapStyleMixin, forms.Form):
    file = forms.FileField(label=_("Service result (PDF, Word, Excel or image)"))


class RegisterForm(BootstrapStyleMixin, forms.Form):
    name = forms.CharField(label=_("Registered organisation name"), max_length=200, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    introduction = forms.CharField(
        label=_("Introduction of the organisation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QualificationForm(BootstrapStyleMixin, forms.ModelForm):
    scan_file = forms.FileField(label=_("Scanned certificate (PDF or image)"), required=False)

    class Meta:
        model = Qualification
        fields = ["service_type", "certificate", "certificate_no", "level", "valid_from", "valid_until"]
        widgets = {"valid_from": DATE, "valid_until": DATE}


class StaffForm(BootstrapStyleMixin, forms.Form):
    name = forms.CharField(label=_("Staff name"), max_length=50)
    title = forms.CharField(label=_("Professional title"), max_length=100, required=False)
    certificate_no = forms.CharField(label=_("Practising certificate number"), max_length=64, required=False)


class ReviewForm(BootstrapStyleMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision on the registration"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Approve the registration")), ("0", _("Return the registration"))],
    )
    note = forms.CharField(
        label=_("Regulator's note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class GradeForm(BootstrapStyleMixin, forms.Form):
    regulator_grade = forms.DecimalField(
        label=_("Regulator's assessment (0–100)"), min_value=0, max_value=100, decimal_places=2
    )
    enterprise_credit_grade = forms.DecimalField(
        label=_("Enterprise credit record (0–100)"), min_value=0, max_value=100, decimal_places=2
    )
    note = forms.CharField(label=_("Basis of the grades"), required=False)


class BlacklistForm(BootstrapStyleMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for blacklisting"), widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.DateField(label=_("Blacklisted from"), widget=DATE)
    end = forms.DateField(label=_("Blacklisted until"), widget=DATE)


class ComplaintHandleForm(BootstrapStyleMixin, forms.Form):
    uphold = forms.TypedChoiceField(
        label=_("Finding on the complaint"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Uphold the complaint")), ("0", _("Dismiss the complaint"))],
    )
    response = forms.CharField(label=_("Handling and reply"), widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(BootstrapStyleMixin, forms.Form):
    need = forms.CharField(label=_("Need number"), max_length=32)
    seed = forms.CharField(label=_("Revealed seed"), max_length=64)


__all__ = ["SelectionMode", "ServiceType"]
