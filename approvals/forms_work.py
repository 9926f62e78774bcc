"""Forms of the officials' work pages. They only shape input; the services decide the rules
(approvals.services.applications) and their DomainErrors are put back on these forms."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import AcceptanceMode
from approvals.rules import Procedure
from approvals.workflow import TaskStatus
from coordination.models import OrgUnit

T = TaskStatus


class WorkForm(forms.Form):
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        # Several forms share a page: keep their element ids apart.
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            select = isinstance(f.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)


class CorrectionForm(WorkForm):
    missing = forms.CharField(
        label=_("Everything the applicant must correct"),
        help_text=_("One line per item. The applicant is told everything at once (一次性告知)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def missing_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("missing", "").splitlines() if line.strip()]


class NotAcceptForm(WorkForm):
    reasons = forms.CharField(
        label=_("Reasons for not accepting"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AcceptForm(WorkForm):
    mode = forms.ChoiceField(
        label=_("Acceptance"), choices=AcceptanceMode.choices, initial=AcceptanceMode.NORMAL
    )
    supplement_due = forms.DateField(
        label=_("Pledged materials due"),
        help_text=_("Only for acceptance on pledge (容缺): no later than the promised limit."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SuspendForm(WorkForm):
    procedure = forms.ChoiceField(label=_("Special procedure"), choices=())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    expected_days = forms.IntegerField(label=_("Expected working days"), min_value=1, max_value=365)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = list(item.clock_stop_procedures or []) if item is not None else []
        self.fields["procedure"].choices = [(p, Procedure(p).label) for p in allowed if p in Procedure.values]


class ExtensionRequestForm(WorkForm):
    days = forms.IntegerField(label=_("Working days"), min_value=1)
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None and item.extension_days:
            # The service checks the limit and says so; the browser only gets a hint.
            self.fields["days"].widget.attrs["max"] = item.extension_days
            self.fields["days"].help_text = _("At most %(n)d working days.") % {"n": item.extension_days}


class ExtensionDecisionForm(WorkForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve the extension")), ("0", _("Refuse the extension"))],
        coerce=lambda v: v == "1",
    )
    days = forms.IntegerField(label=_("Working days"), min_value=1, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("approve") and not data.get("days"):
            self.add_error("days", _("Give the number of working days to extend by."))
        return data


class DecideForm(WorkForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (T.APPROVED, T.APPROVED.label),
            (T.APPROVED_WITH_CONDITIONS, T.APPROVED_WITH_CONDITIONS.label),
            (T.REJECTED, _("Rejected")),
        ],
    )
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    conditions = forms.CharField(
        label=_("Conditions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ConsolidateForm(WorkForm):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Grant")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("A refusal states its reasons and the applicant's rights of review and appeal."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MeetingForm(WorkForm):
    """A joint-review meeting (联合审查会议). The departments offered are the application's task
    departments and the lead; the service checks that again and says which one is not involved."""

    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Attending departments"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    attendees = forms.CharField(
        label=_("Attendees"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    conclusions = forms.CharField(
        label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["departments"]
        # Any unit is accepted as input so that the service, not a generic "invalid choice", says
        # why one is refused; only the involved ones are offered.
        field.queryset = OrgUnit.objects.all()
        if application is not None:
            involved = OrgUnit.objects.filter(
                Q(pk=application.lead_department_id) | Q(review_tasks__application=application)
            ).distinct()
            field.widget.choices = [(unit.pk, str(unit)) for unit in involved.order_by("path")]
        else:
            field.widget.choices = []
