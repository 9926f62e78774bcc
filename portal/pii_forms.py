"""Form pieces for encrypted personal data: an input that never shows the stored value."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import pii


class SecretTextInput(forms.TextInput):
    """A text input that never renders the stored value (personal data stays out of the page)."""

    def format_value(self, value):
        return None


class PiiFormField(forms.CharField):
    """An encrypted field in a form: empty keeps the stored value, anything else replaces it."""

    widget = SecretTextInput

    def __init__(self, *args, **kwargs):
        kwargs["required"] = False
        kwargs.setdefault(
            "help_text",
            _("Stored encrypted and shown masked. Leave empty to keep it; type a new value to replace it."),
        )
        super().__init__(*args, **kwargs)

    def has_changed(self, initial, data):
        return bool((data or "").strip())


class PiiFormMixin:
    """For model forms with `PiiFormField`s: the masked value as placeholder, empty input kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, PiiFormField) and self.instance.pk:
                field.widget.attrs["placeholder"] = pii.masked_value(self.instance, name) or ""
                field.widget.attrs["autocomplete"] = "off"

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            keep = isinstance(field, PiiFormField) and self.instance.pk and name in cleaned
            if keep and not cleaned[name]:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


class PiiModelForm(PiiFormMixin, forms.ModelForm):
    pass
