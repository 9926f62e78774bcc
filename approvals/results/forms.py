"""Forms of the results pages: the applicant's choice of delivery and the clerk's express record.

The services check everything again; these forms give each field its own error and keep what was
typed when something is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.rules import Delivery as DeliveryMethod


class DeliveryChoiceForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How do you want to receive the certificate?"), widget=forms.RadioSelect
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Postal address"), max_length=300, required=False)

    def __init__(self, *args, methods=("pickup",), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m, DeliveryMethod(m).label) for m in methods]


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=60, initial="EMS")
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)
