from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import BootstrapStyleMixin


class TokenForm(BootstrapStyleMixin, forms.Form):
    otp_token = forms.CharField(
        label=_("Two-factor code"),
        max_length=16,
        help_text=_("The 6-digit code from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_otp_token(self):
        return "".join(self.cleaned_data["otp_token"].split())
