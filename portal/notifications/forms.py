from django import forms
from django.utils.translation import gettext_lazy as _


class ChannelPreferencesForm(forms.Form):
    """E-mail and text messages; in-app notifications cannot be switched off."""

    email = forms.BooleanField(label=_("E-mail"), required=False)
    sms = forms.BooleanField(label=_("Text message"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.email:
            self.fields["email"].help_text = _("Your account has no e-mail address yet.")
        if not user.phone:
            self.fields["sms"].help_text = _("Your account has no mobile phone number.")
