from django import forms
from django.utils.translation import gettext_lazy as _


class IssueForm(forms.Form):
    text = forms.CharField(
        label=_("What the department must do"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("Leave empty for the standard text."),
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label=_("Response"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=_("What the department has done and when the case will be finished."),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control form-control-sm"}),
    )
