"""Forms of public consultations (Bootstrap-styled through portal.forms.BootstrapStyleMixin)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import OrgUnit
from coordination.models.organisation import GOVERNMENT_KINDS
from portal.forms import BootstrapStyleMixin

from . import conf
from .models import Consultation, Outcome


class ConsultationForm(BootstrapStyleMixin, forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "owner_unit",
            "title",
            "subject_kind",
            "summary",
            "full_text",
            "opens_on",
            "closes_on",
            "short_period_reason",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "full_text": forms.Textarea(attrs={"rows": 10}),
            "short_period_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, unit_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(kind__in=GOVERNMENT_KINDS).order_by("path")
        if unit_ids is not None:
            units = OrgUnit.objects.filter(pk__in=unit_ids).order_by("path")
        self.fields["owner_unit"].queryset = units
        self.fields["short_period_reason"].help_text = _(
            "Required when the period is shorter than %(days)s calendar days "
            "(《重大行政决策程序暂行条例》 art. 14: generally not less than 30 days)."
        ) % {"days": conf.MIN_DAYS}
        if self.instance.pk:
            self.fields.pop("owner_unit")

    def _post_clean(self):
        # The service validates the period and saves; the model's own validation is not run here
        # (it would need owner_unit and created_by, which the service sets).
        pass


class DocumentForm(BootstrapStyleMixin, forms.Form):
    bootstrap_size = "sm"
    title = forms.CharField(label=_("Document title"), max_length=200, required=False)
    file = forms.FileField(label=_("Document file"))


class CommentForm(BootstrapStyleMixin, forms.Form):
    section_ref = forms.CharField(
        label=_("Section or item you comment on"),
        max_length=100,
        required=False,
        help_text=_("Optional, e.g. “Part III, item 2”."),
    )
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 5}), max_length=conf.COMMENT_MAX_LENGTH
    )
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)
    show_name = forms.BooleanField(
        label=_("Publish my name with my comment"),
        required=False,
        help_text=_("Otherwise your name is shown masked (e.g. 张*) when the answers are published."),
    )


class AnswerForm(BootstrapStyleMixin, forms.Form):
    bootstrap_size = "sm"
    outcome = forms.ChoiceField(label=_("Answer outcome"), choices=Outcome.choices)
    answer = forms.CharField(label=_("Answer to the comment"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(BootstrapStyleMixin, forms.Form):
    bootstrap_size = "sm"
    reason = forms.CharField(
        label=_("Reason (recorded)"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class PublishForm(BootstrapStyleMixin, forms.Form):
    summary = forms.CharField(
        label=_("Statement on the adoption of comments (征求意见采纳情况说明)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
