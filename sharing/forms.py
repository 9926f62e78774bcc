"""Forms of the data-sharing pages. They only shape input; the services decide the rules and their
DomainErrors are put back on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import OrgUnit

from .models import (
    DataItem,
    DataResource,
    Direction,
    Frequency,
    SharingMethod,
    SharingType,
    Topic,
)


class SharingForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = (
                "form-select form-select-sm"
                if isinstance(f.widget, forms.Select)
                else "form-control form-control-sm"
            )
            f.widget.attrs.setdefault("class", css)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResourceForm(SharingForm):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=OrgUnit.objects.none())
    code = forms.CharField(label=_("Resource code"), max_length=16, help_text=_("e.g. A01-02-03-0001"))
    name = forms.CharField(label=_("Name"), max_length=200)
    resource_class = forms.ChoiceField(
        label=_("Class"), choices=DataResource._meta.get_field("resource_class").choices
    )
    classification = forms.CharField(
        label=_("Classification code"), max_length=9, help_text=_("e.g. A01-02-03")
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=DataResource._meta.get_field("format").choices)
    update_cycle = forms.ChoiceField(
        label=_("Update cycle"), choices=DataResource._meta.get_field("update_cycle").choices
    )
    sharing_type = forms.ChoiceField(label=_("Sharing type"), choices=SharingType.choices)
    sharing_condition = forms.CharField(
        label=_("Sharing condition"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    legal_basis = forms.CharField(
        label=_("Legal basis for not sharing"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    sharing_methods = forms.MultipleChoiceField(
        label=_("Sharing methods"), choices=SharingMethod.choices, widget=forms.CheckboxSelectMultiple
    )
    open_attribute = forms.ChoiceField(
        label=_("Open attribute"), choices=DataResource._meta.get_field("open_attribute").choices
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    related = forms.ModelMultipleChoiceField(
        label=_("Related resources"),
        queryset=DataResource.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, providers=None, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers if providers is not None else OrgUnit.objects.none()
        related = DataResource.objects.filter(current_version__isnull=False).exclude(status="withdrawn")
        if editing is not None:
            del self.fields["provider"]
            related = related.exclude(pk=editing.pk)
        self.fields["related"].queryset = related.order_by("code")

    def resource_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("topics", None)
        data.pop("related", None)
        return data


class ItemForm(SharingForm):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=100)
    data_type = forms.ChoiceField(label=_("Data type"), choices=DataItem._meta.get_field("data_type").choices)
    is_key = forms.BooleanField(label=_("Natural key"), required=False)
    sharing_type = forms.ChoiceField(
        label=_("Sharing type"),
        choices=[("", _("As the resource")), *SharingType.choices],
        required=False,
    )
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)


class ReasonForm(SharingForm):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequestForm(SharingForm):
    consumer = forms.ModelChoiceField(label=_("Requesting unit"), queryset=OrgUnit.objects.none())
    items = forms.ModelMultipleChoiceField(
        label=_("Items wanted"),
        queryset=DataItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    scenario = forms.CharField(
        label=_("Usage scenario"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    duty_basis = forms.CharField(
        label=_("Duty basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    method = forms.ChoiceField(label=_("Sharing method"), choices=SharingMethod.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    period_from = forms.DateField(label=_("Needed from"), widget=DATE)
    period_until = forms.DateField(label=_("Needed until"), widget=DATE)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=[("", _("From the units' levels")), *Direction.choices], required=False
    )

    def __init__(self, *args, consumers=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consumer"].queryset = consumers if consumers is not None else OrgUnit.objects.none()
        self.fields["items"].queryset = items if items is not None else DataItem.objects.none()

    def request_data(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("consumer", "items"):
            data.pop(key, None)
        return data


class TermsForm(SharingForm):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    review_on = forms.DateField(label=_("Review on"), widget=DATE, required=False)
    retention_days = forms.IntegerField(label=_("Retention (days)"), min_value=1, required=False)
    onward_sharing = forms.BooleanField(label=_("Onward sharing allowed"), required=False)

    def terms(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.fields and v not in (None, "")}


class DecisionForm(TermsForm):
    """A decision on a request: approve some items (with terms), refuse or negotiate, with an opinion."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Refuse")), ("negotiate", _("Negotiate"))],
    )
    items = forms.ModelMultipleChoiceField(
        label=_("Items approved"),
        queryset=DataItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    opinion = forms.CharField(
        label=_("Opinion / reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, items=None, decisions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items if items is not None else DataItem.objects.none()
        if decisions:
            self.fields["decision"].choices = [
                c for c in self.fields["decision"].choices if c[0] in decisions
            ]


class RenewForm(TermsForm):
    items = forms.ModelMultipleChoiceField(
        label=_("Items kept"),
        queryset=DataItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items if items is not None else DataItem.objects.none()


class ImportForm(SharingForm):
    file = forms.FileField(label=_("Catalogue workbook (.xlsx)"))
