"""Applicant forms: the application form built from the catalogue, uploads, withdrawal, tracking.

`ApplicationForm` is built from the fields the catalogue asks (approvals.catalogue.merged_form
for a package, the item's form fields for an item). Every kind is validated on the server with
a message that says what is wrong; `cleaned_json()` gives the values as stored in
`Application.form_data` (plain strings, dates as YYYY-MM-DD, codes upper-cased).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import FieldKind
from portal.validators import check_id_number, check_uscc

TEXT_MAX = 200
TEXTAREA_MAX = 4000
NUMBER_MAX_DIGITS = 15

# Mobile 1[3-9]xxxxxxxxx, or a landline with area code (010-12345678, 0591 8765432), optional
# extension (-123).
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}(?:-\d{1,6})?)$")


def _code_validator(check):
    def validate(value):
        problems = check(value)
        if problems:
            raise ValidationError(problems)

    return validate


class CodeField(forms.CharField):
    """An identification code: spaces dropped, letters upper-cased, checked with `check`."""

    def __init__(self, *, check, length: int, **kwargs):
        super().__init__(max_length=length + 8, **kwargs)
        self.validators.append(_code_validator(check))
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(value.split()).upper() if value else value


class PositiveDecimalField(forms.DecimalField):
    default_error_messages = {"invalid": gettext_lazy("Enter a number, e.g. 120 or 85.5.")}

    def __init__(self, *, allow_zero: bool = True, **kwargs):
        super().__init__(
            max_digits=NUMBER_MAX_DIGITS,
            decimal_places=2,
            min_value=Decimal("0") if allow_zero else Decimal("0.01"),
            **kwargs,
        )


def django_field(spec) -> forms.Field:
    """One Django form field for a catalogue field (FormField or MergedField)."""
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    kind = spec.kind
    if kind == FieldKind.TEXTAREA:
        return forms.CharField(max_length=TEXTAREA_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if kind == FieldKind.NUMBER:
        return PositiveDecimalField(**common)
    if kind == FieldKind.AREA_M2:
        field = PositiveDecimalField(allow_zero=False, **common)
        field.error_messages["min_value"] = _("An area is more than 0 m².")
        return field
    if kind == FieldKind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2026-11-02.")},
            **common,
        )
    if kind == FieldKind.CHOICE:
        choices = [(c, c) for c in spec.choices or []]
        return forms.ChoiceField(
            choices=[("", "---------"), *choices],
            error_messages={"invalid_choice": _("Choose one of the listed options.")},
            **common,
        )
    if kind == FieldKind.ID_NUMBER:
        return CodeField(check=check_id_number, length=18, **common)
    if kind == FieldKind.USCC:
        return CodeField(check=check_uscc, length=18, **common)
    if kind == FieldKind.PHONE:
        return forms.CharField(
            max_length=24,
            validators=[
                RegexValidator(
                    PHONE_RE,
                    _(
                        "Enter a mobile number (11 digits, e.g. 13800138000) "
                        "or a landline with its area code."
                    ),
                )
            ],
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            **common,
        )
    if kind == FieldKind.EMAIL:
        return forms.EmailField(
            max_length=254,
            validators=[EmailValidator(_("Enter an e-mail address, e.g. name@example.com."))],
            **common,
        )
    return forms.CharField(max_length=TEXT_MAX, **common)


class BootstrapMixin:
    """Bootstrap 5 classes on every widget; invalid fields marked after validation."""

    def _style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.HiddenInput):
                continue
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-errors"


class ApplicationForm(BootstrapMixin, forms.Form):
    """The one form (一张表单) of an item or package.

    `for_submit=False` (saving a draft) checks formats but lets required fields stay empty.
    """

    def __init__(self, *args, specs, for_submit: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = list(specs)
        for spec in self.specs:
            field = django_field(spec)
            if not for_submit:
                field.required = False
            self.fields[spec.key] = field
        self._style_widgets()

    def cleaned_json(self) -> dict[str, str]:
        data = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.key)
            if value is None or value == "":
                data[spec.key] = ""
            elif isinstance(value, Decimal):
                data[spec.key] = format(value.normalize(), "f")
            elif hasattr(value, "isoformat"):
                data[spec.key] = value.isoformat()
            else:
                data[spec.key] = str(value).strip()
        return data


class MaterialUploadForm(forms.Form):
    material = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=gettext_lazy("File"),
        error_messages={
            "required": gettext_lazy("Choose a file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
    )


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for withdrawing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Say why you withdraw the application.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class TrackingForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label=gettext_lazy("Application number"), max_length=32)
    query_code = forms.CharField(
        label=gettext_lazy("Query code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_query_code(self):
        return self.cleaned_data["query_code"].strip()
