"""Forms of the platform pages."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from portal.models import User, UserKind
from portal.pii import blind_index


class BootstrapStyleMixin:
    """Bootstrap 5 classes on every visible widget, added to any the form already set:
    form-check-input for checkboxes, form-select for selects, form-control otherwise;
    `bootstrap_size = "sm"` for the small variants."""

    bootstrap_size = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        small = f"-{self.bootstrap_size}" if self.bootstrap_size else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = f"form-select form-select{small}" if small else "form-select"
            else:
                css = f"form-control form-control{small}" if small else "form-control"
            if css.split()[0] not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ApplicantRegistrationForm(UserCreationForm):
    """Citizens register with their resident ID number; enterprises with their credit code."""

    kind = forms.ChoiceField(
        label=_("I am registering as"),
        choices=[(UserKind.CITIZEN, _("a citizen")), (UserKind.ENTERPRISE, _("an enterprise"))],
        widget=forms.RadioSelect,
        initial=UserKind.CITIZEN,
    )

    class Meta:
        model = User
        fields = ["username", "kind", "full_name", "id_number", "organisation_name", "uscc", "phone", "email"]
        labels = {"full_name": _("Full name (of the person handling the application)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["phone"].required = True

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == UserKind.CITIZEN:
            if not data.get("id_number"):
                self.add_error("id_number", _("Citizens register with their resident ID number."))
        elif kind == UserKind.ENTERPRISE:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Enter the enterprise's registered name."))
            if not data.get("uscc"):
                self.add_error("uscc", _("Enterprises register with their unified social credit code."))
        for field in ("id_number", "uscc"):  # the model's validators check them (GB 11643, GB 32100)
            data[field] = (data.get(field) or "").strip().upper()
        if (
            data.get("id_number")
            and User.objects.filter(id_number_hash=blind_index("id_number", data["id_number"])).exists()
        ):
            self.add_error("id_number", _("An account with this ID number already exists; log in instead."))
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        user.kind = self.cleaned_data["kind"]
        if user.kind == UserKind.CITIZEN:
            user.organisation_name = user.uscc = ""
        else:
            user.id_number = ""
        if commit:
            user.save()
        return user
