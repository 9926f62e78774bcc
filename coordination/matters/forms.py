"""Forms of the matters and meetings pages. Services decide; forms only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import LeadingGroupMember, OrgKind, OrgUnit
from portal.forms import BootstrapStyleMixin

from .models import AttendanceStatus, Matter, RatingGrade


def units():
    return OrgUnit.objects.filter(active=True).order_by("path")


def raisers():
    return OrgUnit.objects.filter(active=True, kind__in=[OrgKind.LEADING_GROUP, OrgKind.OFFICE]).order_by(
        "path"
    )


def leaders():
    return LeadingGroupMember.objects.select_related("group").order_by("group_id", "sort_order")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.person_name}（{obj.title or obj.get_role_display()}）"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class MatterForm(BootstrapStyleMixin, forms.Form):
    title = forms.CharField(label=_("Matter title"), max_length=200)
    description = forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    raised_by = UnitChoiceField(label=_("Raised by"), queryset=OrgUnit.objects.none())
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=OrgUnit.objects.none())
    cooperating_units = UnitsChoiceField(
        label=_("Cooperating units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    limit_days = forms.IntegerField(label=_("Time limit (working days)"), min_value=1)
    responsible_leader = LeaderChoiceField(
        label=_("Responsible leader"), queryset=LeadingGroupMember.objects.none(), required=False
    )
    parent = forms.ModelChoiceField(label=_("Parent matter"), queryset=Matter.objects.none(), required=False)
    weight = forms.IntegerField(label=_("Weight in the parent matter"), min_value=1, initial=1)
    open_now = forms.BooleanField(
        label=_("Open at once (the clock starts today)"), required=False, initial=True
    )

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = raisers()
        self.fields["lead_unit"].queryset = units()
        self.fields["cooperating_units"].queryset = units()
        self.fields["responsible_leader"].queryset = leaders()
        self.fields["parent"].queryset = parents if parents is not None else Matter.objects.none()


class MatterEditForm(BootstrapStyleMixin, forms.Form):
    title = forms.CharField(label=_("Matter title"), max_length=200)
    description = forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    cooperating_units = UnitsChoiceField(
        label=_("Cooperating units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    responsible_leader = LeaderChoiceField(
        label=_("Responsible leader"), queryset=LeadingGroupMember.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cooperating_units"].queryset = units()
        self.fields["responsible_leader"].queryset = leaders()


class ReportForm(BootstrapStyleMixin, forms.Form):
    text = forms.CharField(label=_("Progress made"), widget=forms.Textarea(attrs={"rows": 4}))
    percent = forms.IntegerField(
        label=_("Estimated progress (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_(
            "Counts only for a matter without milestones or sub-matters, and only from the lead unit."
        ),
    )
    milestones = forms.ModelMultipleChoiceField(
        label=_("Milestones completed with this report"),
        queryset=Matter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, milestones=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestones"].queryset = milestones
        self.fields["milestones"].widget.attrs.pop("class", None)


class MilestoneForm(BootstrapStyleMixin, forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    weight = forms.IntegerField(label=_("Milestone weight"), min_value=1, initial=1)
    due_date = forms.DateField(
        label=_("Milestone due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_days = forms.IntegerField(label=_("Or due after (working days)"), min_value=1, required=False)


class TextForm(BootstrapStyleMixin, forms.Form):
    text = forms.CharField(label=_("Completion report"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(BootstrapStyleMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(BootstrapStyleMixin, forms.Form):
    unit = UnitChoiceField(label=_("Rated unit"), queryset=OrgUnit.objects.none())
    grade = forms.ChoiceField(label=_("Supervision rating"), choices=RatingGrade.choices)
    comment = forms.CharField(
        label=_("Rating comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, matter=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [matter.lead_unit_id, *(u.pk for u in matter.cooperating_units.all())] if matter else []
        self.fields["unit"].queryset = OrgUnit.objects.filter(pk__in=ids).order_by("path")


class MeetingForm(BootstrapStyleMixin, forms.Form):
    title = forms.CharField(label=_("Meeting title"), max_length=200)
    date = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    convened_by = UnitChoiceField(label=_("Convened by"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convened_by"].queryset = raisers()


class AgendaForm(BootstrapStyleMixin, forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    matters = forms.ModelMultipleChoiceField(
        label=_("Matters discussed"), queryset=Matter.objects.none(), required=False
    )

    def __init__(self, *args, matters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].queryset = matters if matters is not None else Matter.objects.none()


class AttendanceForm(BootstrapStyleMixin, forms.Form):
    unit = UnitChoiceField(label=_("Attending unit"), queryset=OrgUnit.objects.none())
    status = forms.ChoiceField(label=_("Attendance"), choices=AttendanceStatus.choices)
    person = forms.CharField(label=_("Attending or delegated person"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units()


class MinutesForm(BootstrapStyleMixin, forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(BootstrapStyleMixin, forms.Form):
    """A decision, and optionally the matter it assigns (more can be added as sub-matters later)."""

    text = forms.CharField(label=_("Decision text"), widget=forms.Textarea(attrs={"rows": 3}))
    matter_title = forms.CharField(label=_("New matter: title"), max_length=200, required=False)
    lead_unit = UnitChoiceField(
        label=_("New matter: lead unit"), queryset=OrgUnit.objects.none(), required=False
    )
    cooperating_units = UnitsChoiceField(
        label=_("New matter: cooperating units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    limit_days = forms.IntegerField(
        label=_("New matter: time limit (working days)"), min_value=1, required=False
    )
    responsible_leader = LeaderChoiceField(
        label=_("New matter: responsible leader"), queryset=LeadingGroupMember.objects.none(), required=False
    )
    milestones = forms.CharField(
        label=_("New matter: milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; add “|weight” to weigh one, e.g. “Design approved|2”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units()
        self.fields["cooperating_units"].queryset = units()
        self.fields["responsible_leader"].queryset = leaders()

    def clean(self):
        data = super().clean()
        if data.get("matter_title"):
            if not data.get("lead_unit"):
                self.add_error("lead_unit", _("A new matter needs a lead unit."))
            if not data.get("limit_days"):
                self.add_error("limit_days", _("A new matter needs a time limit."))
        milestones = []
        for line in (data.get("milestones") or "").splitlines():
            title, _sep, weight = line.strip().partition("|")
            if not title.strip():
                continue
            try:
                milestones.append({"title": title.strip(), "weight": int(weight) if weight.strip() else 1})
            except ValueError:
                self.add_error("milestones", _("A weight after “|” is a whole number."))
        data["milestone_specs"] = milestones
        return data

    def matter_specs(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("matter_title"):
            return []
        return [
            {
                "title": data["matter_title"],
                "lead_unit": data["lead_unit"],
                "cooperating_units": list(data.get("cooperating_units") or []),
                "limit_days": data["limit_days"],
                "responsible_leader": data.get("responsible_leader"),
                "milestones": data["milestone_specs"],
            }
        ]
