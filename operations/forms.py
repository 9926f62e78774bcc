from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import OrgKind, OrgUnit
from coordination.models.organisation import GOVERNMENT_KINDS
from operations.models import (
    CatalogueEntry,
    Contract,
    FlagStatus,
    Milestone,
    Mode,
    PartyProfile,
    Project,
    ProjectDocument,
    Regime,
    Risk,
    Shareholding,
    Stage,
    Tariff,
)
from portal.pii_forms import PiiFormField, PiiFormMixin


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


class BootstrapMixin:
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ProjectForm(BootstrapMixin, forms.ModelForm):
    confirm = forms.BooleanField(
        label=_("I confirm the warnings shown above"), required=False, help_text=_("Needed only when warned.")
    )

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "description",
            "regime",
            "mode",
            "return_mechanism",
            "sector",
            "term_years",
            "construction_years",
            "total_investment",
            "implementing_agency",
            "industry_authority",
            "finance_department",
            "project_company",
            "location",
            "contract_signed_on",
            "operation_start",
            "operation_end",
            "published",
        ]
        widgets = {
            "contract_signed_on": forms.DateInput(attrs={"type": "date"}),
            "operation_start": forms.DateInput(attrs={"type": "date"}),
            "operation_end": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        government = OrgUnit.objects.filter(kind__in=[k.value for k in GOVERNMENT_KINDS]).order_by("path")
        for name in ("implementing_agency", "industry_authority", "finance_department"):
            self.fields[name].queryset = government
        self.fields["project_company"].queryset = OrgUnit.objects.filter(kind=OrgKind.ENTERPRISE).order_by(
            "name"
        )
        if self.instance.pk:
            self.fields["code"].disabled = True

    def _post_clean(self):
        # The services validate (regime rules included) and report on the fields.
        pass


class RiskForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["category", "description", "allocation", "mitigation"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "mitigation": forms.Textarea(attrs={"rows": 2}),
        }


class MilestoneForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "kind", "planned_on", "actual_on"]
        widgets = {
            "planned_on": forms.DateInput(attrs={"type": "date"}),
            "actual_on": forms.DateInput(attrs={"type": "date"}),
        }


class DocumentForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProjectDocument
        fields = ["kind", "title", "file", "disclosure", "disclose_at_stage", "issued_on"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"})}


class EnterpriseForm(BootstrapMixin, forms.Form):
    code = forms.SlugField(label=_("Unit code"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18)


class PartyProfileForm(BootstrapMixin, PiiFormMixin, forms.ModelForm):
    """The ID number is never prefilled (masked as placeholder; empty keeps it)."""

    legal_rep_id_number = PiiFormField(label=_("Legal representative's ID number"), max_length=32)

    class Meta:
        model = PartyProfile
        fields = [
            "legal_rep_name",
            "legal_rep_id_number",
            "incorporated_on",
            "registered_capital",
            "blacklisted_until",
            "notes",
        ]
        widgets = {
            "incorporated_on": forms.DateInput(attrs={"type": "date"}),
            "blacklisted_until": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def _post_clean(self):
        pass


class ShareholdingForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Shareholding
        fields = ["holder", "company", "ratio", "voting_ratio", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = OrgUnit.objects.order_by("name")
        self.fields["company"].queryset = OrgUnit.objects.filter(kind=OrgKind.ENTERPRISE).order_by("name")

    def _post_clean(self):
        pass


class ContractForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["title", "number", "signed_on", "value", "counterparty", "summary"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterparty"].queryset = OrgUnit.objects.filter(kind=OrgKind.ENTERPRISE).order_by(
            "name"
        )


class AmendmentForm(ContractForm):
    """A contract amendment: the contract's fields as amended, when it was signed and why."""

    amendment_signed_on = forms.DateField(
        label=_("Amendment signed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("amendment_signed_on", "rationale"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")


class TariffForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Tariff
        fields = ["item", "unit", "price", "valid_from", "valid_until", "approved_by"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }


class CatalogueEntryForm(BootstrapMixin, forms.ModelForm):
    allowed_modes = forms.MultipleChoiceField(
        label=_("Allowed modes"), choices=Mode.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CatalogueEntry
        fields = [
            "code",
            "name",
            "domain",
            "allowed_modes",
            "participation",
            "revenue_sources",
            "status",
            "description",
        ]
        widgets = {
            "revenue_sources": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed_modes"].widget.attrs.pop("class", None)
        if self.instance.pk:
            self.fields["code"].disabled = True

    def _post_clean(self):
        pass
