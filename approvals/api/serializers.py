"""Approvals API serializers: output and input separate (DESIGN.md §3).

Inputs only check shape; the rules (who may, which transition, which procedure, how many days)
are the services' — their errors come back as 400 (with the field), 403 or 409 through
portal.api.exceptions.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.api.schema import EnumField
from approvals.models import (
    AcceptanceMode,
    Application,
    ApplicationMaterial,
    DepartmentTask,
    Item,
    Material,
    MaterialStatus,
    Package,
    StatusChange,
)
from approvals.rules import Procedure
from approvals.workflow import DECISIONS, ApplicationStatus, TaskStatus
from portal import pii
from portal.clocks.models import Clock

# -- output ---------------------------------------------------------------------------------------------


class ClockOutput(serializers.ModelSerializer):
    """A working-day clock: due date, signal and working days left (negative when overdue)."""

    signal_display = serializers.CharField(source="get_signal_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    remaining_days = serializers.IntegerField(
        read_only=True, help_text=_("Working days left until the due date; negative when overdue.")
    )

    class Meta:
        model = Clock
        fields = [
            "purpose",
            "label",
            "state",
            "state_display",
            "started_on",
            "stopped_on",
            "limit_days",
            "extension_days",
            "paused_days",
            "consumed_days",
            "due_date",
            "due_provisional",
            "signal",
            "signal_display",
            "remaining_days",
        ]
        read_only_fields = fields


class StatusChangeOutput(serializers.ModelSerializer):
    from_status = EnumField(
        ApplicationStatus, component="ApplicationStatusEnum", allow_blank=True, read_only=True
    )
    to_status = EnumField(ApplicationStatus, component="ApplicationStatusEnum", read_only=True)
    from_status_display = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_display = serializers.CharField(source="get_to_status_display", read_only=True)

    class Meta:
        model = StatusChange
        fields = ["from_status", "from_status_display", "to_status", "to_status_display", "reason", "at"]
        read_only_fields = fields


class _ClockMixin:
    @extend_schema_field(ClockOutput(allow_null=True))
    def get_clock(self, obj):
        clock = getattr(obj, "review_clock", None)
        return ClockOutput(clock).data if clock is not None else None


class ApplicantTaskOutput(_ClockMixin, serializers.ModelSerializer):
    """A department's review as the applicant sees it."""

    item = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    status = EnumField(TaskStatus, component="TaskStatusEnum", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    clock = serializers.SerializerMethodField(help_text=_("The review clock of this department."))

    class Meta:
        model = DepartmentTask
        fields = [
            "item",
            "item_name",
            "department",
            "department_name",
            "mandatory",
            "status",
            "status_display",
            "opinion",
            "conditions",
            "decided_at",
            "clock",
        ]
        read_only_fields = fields


class OfficialTaskOutput(ApplicantTaskOutput):
    """A department task as the officials see it (the lead's overview, the reviewer's inbox)."""

    assignee = serializers.CharField(source="assignee.username", read_only=True, allow_null=True)

    class Meta(ApplicantTaskOutput.Meta):
        fields = ["id", *ApplicantTaskOutput.Meta.fields, "assignee", "created_at"]
        read_only_fields = fields


class _ApplicationBase(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True, allow_null=True)
    package = serializers.CharField(source="package.code", read_only=True, allow_null=True)
    subject_name = serializers.CharField(read_only=True)
    lead_department = serializers.CharField(source="lead_department.code", read_only=True)
    lead_department_name = serializers.CharField(source="lead_department.name", read_only=True)
    status = EnumField(ApplicationStatus, component="ApplicationStatusEnum", read_only=True)
    acceptance_mode = EnumField(
        AcceptanceMode, component="AcceptanceModeEnum", allow_blank=True, read_only=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    base_fields = [
        "uuid",
        "number",
        "item",
        "package",
        "subject_name",
        "lead_department",
        "lead_department_name",
        "status",
        "status_display",
        "acceptance_mode",
        "received_on",
        "accepted_on",
        "decided_on",
        "supplement_due",
        "created_at",
    ]


class _ApplicationClocks:
    @extend_schema_field(ClockOutput(many=True))
    def get_clocks(self, obj):
        clocks = getattr(obj, "clocks", {})
        return ClockOutput([clocks[p] for p in sorted(clocks)], many=True).data


class ApplicationListOutput(_ApplicationBase):
    class Meta:
        model = Application
        fields = _ApplicationBase.base_fields
        read_only_fields = fields


class ApplicationDetailOutput(_ApplicationClocks, _ApplicationBase):
    """The applicant's view of one application: form, history, each department's review and the
    clocks (completeness check, promised limit, each review)."""

    history = StatusChangeOutput(source="status_changes", many=True, read_only=True)
    tasks = ApplicantTaskOutput(many=True, read_only=True)
    clocks = serializers.SerializerMethodField(help_text=_("The application's own clocks."))

    class Meta:
        model = Application
        fields = [
            *_ApplicationBase.base_fields,
            "query_code",
            "form_data",
            "supplement_received_on",
            "reasons",
            "history",
            "tasks",
            "clocks",
        ]
        read_only_fields = fields


class MaskedFormOutput(serializers.JSONField):
    """An application's form for officials' API clients: ID numbers and phone numbers masked (the
    full value is shown, audited, only on the case page: work:form-value)."""

    def to_representation(self, value):
        return pii.mask_json(super().to_representation(value))


class _OfficialApplication(_ApplicationClocks, _ApplicationBase):
    applicant = serializers.CharField(source="applicant.username", read_only=True)
    applicant_name = serializers.CharField(source="applicant.full_name", read_only=True)
    clocks = serializers.SerializerMethodField(help_text=_("The application's own clocks."))


class IntakeApplicationOutput(_OfficialApplication):
    """An application waiting for the completeness check (受理)."""

    history = StatusChangeOutput(source="status_changes", many=True, read_only=True)
    form_data = MaskedFormOutput(read_only=True)

    class Meta:
        model = Application
        fields = [
            *_ApplicationBase.base_fields,
            "applicant",
            "applicant_name",
            "form_data",
            "history",
            "clocks",
        ]
        read_only_fields = fields


class LeadApplicationOutput(_OfficialApplication):
    """An application of the lead department with all its department tasks and clocks."""

    tasks = OfficialTaskOutput(many=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            *_ApplicationBase.base_fields,
            "applicant",
            "applicant_name",
            "supplement_received_on",
            "reasons",
            "tasks",
            "clocks",
        ]
        read_only_fields = fields


class TaskApplicationOutput(serializers.ModelSerializer):
    subject_name = serializers.CharField(read_only=True)
    applicant_name = serializers.CharField(source="applicant.full_name", read_only=True)
    status = EnumField(ApplicationStatus, component="ApplicationStatusEnum", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = [
            "uuid",
            "number",
            "subject_name",
            "applicant_name",
            "status",
            "status_display",
            "accepted_on",
        ]
        read_only_fields = fields


class InboxTaskOutput(OfficialTaskOutput):
    """A task in a department's inbox."""

    application = TaskApplicationOutput(read_only=True)

    class Meta(OfficialTaskOutput.Meta):
        fields = [*OfficialTaskOutput.Meta.fields, "application"]
        read_only_fields = fields


class InboxTaskDetailOutput(InboxTaskOutput):
    """One task with the application's form, for the reviewer to read."""

    form_data = MaskedFormOutput(source="application.form_data", read_only=True)

    class Meta(InboxTaskOutput.Meta):
        fields = [*InboxTaskOutput.Meta.fields, "form_data"]
        read_only_fields = fields


# -- input: applicant ----------------------------------------------------------------------------------


class ApplicationCreateInput(serializers.Serializer):
    item = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Item.objects.filter(published=True, active=True),
        required=False,
        help_text=_("Code of a published item; give either an item or a package."),
    )
    package = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Package.objects.filter(published=True, active=True),
        required=False,
        help_text=_("Code of a published package; give either an item or a package."),
    )
    form_data = serializers.DictField(required=False, help_text=_("The form's answers, by field key."))

    def validate(self, attrs):
        if ("item" in attrs) == ("package" in attrs):
            raise serializers.ValidationError(_("Choose either an item or a package."))
        return attrs


class ApplicationFormInput(serializers.Serializer):
    form_data = serializers.DictField(help_text=_("The form's answers, by field key."))


class ApplicationSubmitInput(serializers.Serializer):
    form_data = serializers.DictField(
        required=False, help_text=_("The form's answers; omit to submit the form as saved.")
    )


class ApplicationWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# -- input: officials -----------------------------------------------------------------------------------


class TaskSuspendInput(serializers.Serializer):
    procedure = serializers.ChoiceField(
        choices=Procedure.choices, help_text=_("A special procedure the item allows to stop the clock.")
    )
    reason = serializers.CharField(max_length=2000, help_text=_("Sent to the applicant."))
    expected_days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, allow_null=True, help_text=_("Expected working days.")
    )


class TaskExtensionRequestInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, help_text=_("Working days requested."))
    reason = serializers.CharField(max_length=2000)


class TaskExtensionDecideInput(serializers.Serializer):
    approve = serializers.BooleanField()
    days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, help_text=_("Working days granted; required to approve.")
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["approve"] and not attrs.get("days"):
            raise serializers.ValidationError({"days": _("Give the number of working days granted.")})
        attrs.setdefault("days", 0)
        return attrs


class TaskDecideInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[(d.value, d.label) for d in DECISIONS])
    opinion = serializers.CharField(max_length=5000)
    conditions = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["decision"] == TaskStatus.APPROVED_WITH_CONDITIONS and not attrs["conditions"].strip():
            raise serializers.ValidationError({"conditions": _("List the conditions.")})
        return attrs


class IntakeAcceptInput(serializers.Serializer):
    mode = EnumField(AcceptanceMode, component="AcceptanceModeEnum", default=AcceptanceMode.NORMAL)
    supplement_due = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Date by which pledged (容缺) materials must arrive; required for that mode."),
    )


class IntakeCorrectionInput(serializers.Serializer):
    missing = serializers.ListField(
        child=serializers.CharField(max_length=500),
        allow_empty=False,
        max_length=100,
        help_text=_("Everything the applicant must correct, listed at once."),
    )


class IntakeNotAcceptInput(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


class LeadDecideInput(serializers.Serializer):
    grant = serializers.BooleanField()
    reasons = serializers.CharField(
        max_length=5000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required to refuse: the reasons and the rights of review and appeal."),
    )


# -- materials (申请材料) ---------------------------------------------------------------------------------


class MaterialFileOutput(serializers.ModelSerializer):
    """A file handed in for an application (or a pledge to hand it in later, which has no file)."""

    material = serializers.IntegerField(
        source="material_id",
        read_only=True,
        allow_null=True,
        help_text=_("The catalogue material; null for an extra file."),
    )
    material_name = serializers.CharField(source="material.name", read_only=True, allow_null=True)
    status = EnumField(MaterialStatus, component="MaterialStatusEnum", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    content_type = serializers.CharField(
        read_only=True, help_text=_("Sniffed from the file's first bytes, never from its name.")
    )
    download_url = serializers.SerializerMethodField(help_text=_("Null for a pledge (no file yet)."))

    class Meta:
        model = ApplicationMaterial
        fields = [
            "id",
            "material",
            "material_name",
            "status",
            "status_display",
            "original_name",
            "size",
            "content_type",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, obj) -> str | None:
        if not obj.file:
            return None
        url = reverse(
            "approvals-application-material-download",
            kwargs={"application_uuid": obj.application.uuid, "pk": obj.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class MaterialChecklistOutput(serializers.Serializer):
    """One material the catalogue asks for (merged over a package's items) and where it stands."""

    material = serializers.IntegerField(
        source="material_id", help_text=_("The id to give when uploading, pledging or supplying it.")
    )
    name = serializers.CharField(source="spec.name")
    description = serializers.CharField(source="spec.description")
    required = serializers.BooleanField(source="spec.required")
    may_be_pledged = serializers.BooleanField(
        source="spec.may_be_pledged", help_text=_("Whether it may be pledged (容缺) instead of uploaded.")
    )
    accepted_types = serializers.ListField(child=serializers.CharField(), source="spec.accepted_types")
    max_size_mb = serializers.IntegerField(source="spec.max_size_mb")
    provided = serializers.BooleanField(help_text=_("A file was handed in (or supplied after acceptance)."))
    pledged = serializers.BooleanField(help_text=_("Pledged and not supplied yet."))
    missing = serializers.BooleanField(help_text=_("Required and neither handed in nor pledged."))


class MaterialUploadInput(serializers.Serializer):
    material = serializers.PrimaryKeyRelatedField(
        queryset=Material.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The catalogue material (see the checklist); omit for an extra file."),
    )
    file = serializers.FileField(
        help_text=_("Checked by size and by its first bytes against the material's accepted types.")
    )


class MaterialPledgeInput(serializers.Serializer):
    material = serializers.PrimaryKeyRelatedField(
        queryset=Material.objects.all(), help_text=_("A material that may be pledged (容缺).")
    )


class MaterialSupplyInput(serializers.Serializer):
    material = serializers.PrimaryKeyRelatedField(
        queryset=Material.objects.all(), help_text=_("The pledged material supplied now.")
    )
    file = serializers.FileField()
