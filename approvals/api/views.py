"""Approvals API: applicants (own applications) and officials (inbox, intake, lead), over the same
services as the pages.

Reads go through approvals.selectors.api, so anything outside the user's scope answers 404; every
write calls one service, which checks the role (403), the transition (409) and the rules (400 with
the field), all mapped by portal.api.exceptions.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from approvals import permissions, services
from approvals.api import serializers as s
from approvals.api.filters import ApplicationFilter, TaskFilter
from approvals.models import Application, ApplicationMaterial, DepartmentTask
from approvals.selectors import api as selectors
from approvals.selectors import applicant as applicant_selectors
from approvals.services.applicant import material_slots

UUID_REGEX = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

ERRORS = {
    400: OpenApiResponse(description="Invalid input: field errors keyed by field (or `detail`)."),
    403: OpenApiResponse(description="The user's role does not allow this action."),
    404: OpenApiResponse(description="No such object within the user's scope."),
    409: OpenApiResponse(description="The object's current state does not allow this action."),
}


def _responses(output, code=200):
    return {code: output, **ERRORS}


def _input(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# -- applicant ------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="My applications, newest first"),
    retrieve=extend_schema(summary="One of my applications with its history, tasks and clocks"),
)
class ApplicantApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The authenticated user's own applications (by UUID). Others' applications answer 404."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX
    filterset_class = ApplicationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Application.objects.none()
        if self.action == "list":
            return selectors.applicant_applications(user=self.request.user)
        return selectors.applicant_application_detail(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return s.ApplicationListOutput
        return s.ApplicationDetailOutput

    def _detail(self, application, code=status.HTTP_200_OK):
        application = selectors.applicant_application_detail(user=self.request.user).get(pk=application.pk)
        selectors.attach_clocks(applications=[application])
        return Response(s.ApplicationDetailOutput(application).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Start a draft for an item or a package",
        request=s.ApplicationCreateInput,
        responses=_responses(s.ApplicationDetailOutput, 201),
    )
    def create(self, request, *args, **kwargs):
        data = _input(s.ApplicationCreateInput, request)
        with transaction.atomic():
            application = services.application_create(
                actor=request.user, item=data.get("item"), package=data.get("package")
            )
            if data.get("form_data"):
                application = self._save_draft(application, data["form_data"])
        return self._detail(application, status.HTTP_201_CREATED)

    def _save_draft(self, application, form_data):
        try:
            return services.application_save_draft(
                actor=self.request.user, application=application, form_data=form_data
            )
        except DjangoValidationError as error:  # the form's format checks, keyed by form field
            raise ValidationError({"form_data": error.message_dict}) from error

    @extend_schema(
        summary="Save the form of a draft (or of an application being corrected)",
        request=s.ApplicationFormInput,
        responses=_responses(s.ApplicationDetailOutput),
    )
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        data = _input(s.ApplicationFormInput, request)
        self._save_draft(application, data["form_data"])
        return self._detail(application)

    @extend_schema(
        summary="Submit (or resubmit after a correction notice)",
        description=(
            "Saves `form_data` when given (as PATCH does), checks the required materials and fields "
            "and submits, all or nothing."
        ),
        request=s.ApplicationSubmitInput,
        responses=_responses(s.ApplicationDetailOutput),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        application = self.get_object()
        data = _input(s.ApplicationSubmitInput, request)
        with transaction.atomic():
            if "form_data" in data:
                application = self._save_draft(application, data["form_data"])
            services.application_submit_complete(actor=request.user, application=application)
        return self._detail(application)

    @extend_schema(
        summary="Withdraw an open application",
        request=s.ApplicationWithdrawInput,
        responses=_responses(s.ApplicationDetailOutput),
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        application = self.get_object()
        data = _input(s.ApplicationWithdrawInput, request)
        services.application_withdraw(actor=request.user, application=application, reason=data["reason"])
        return self._detail(application)


# -- applicant: materials ------------------------------------------------------------------------------


@extend_schema(
    parameters=[
        OpenApiParameter(
            "application_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Application UUID."
        )
    ]
)
@extend_schema_view(
    list=extend_schema(
        summary="The files and pledges of an application (applicant, or officials who may see it)",
    ),
)
class ApplicationMaterialViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The materials (申请材料) of one application, under /applications/<uuid>/materials/.

    The applicant changes them through the same services as the pages (size and type checked by
    the file's first bytes). Reading (list, checklist, download) is also open to officials who may
    see the application (approvals.permissions.can_view_application); writing only to the
    applicant. Anything outside that scope answers 404.
    """

    serializer_class = s.MaterialFileOutput
    lookup_value_regex = "[0-9]+"
    filter_backends = []
    READ_ACTIONS = frozenset({"list", "checklist", "download"})

    def application(self) -> Application:
        """The application in the URL, within the user's scope for this action, else 404."""
        if not hasattr(self, "_application"):
            uuid = self.kwargs["application_uuid"]
            if self.action in self.READ_ACTIONS:
                application = Application.objects.filter(uuid=uuid).first()
                if application is None or not permissions.can_view_application(
                    self.request.user, application
                ):
                    raise Http404
            else:
                application = (
                    selectors.applicant_applications(user=self.request.user).filter(uuid=uuid).first()
                )
                if application is None:
                    raise Http404
            self._application = application
        return self._application

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApplicationMaterial.objects.none()
        return (
            ApplicationMaterial.objects.filter(application=self.application())
            .select_related("application", "material")
            .order_by("pk")
        )

    def _file(self, row, code):
        row = self.get_queryset().get(pk=row.pk)
        return Response(self.get_serializer(row).data, status=code)

    @extend_schema(
        summary="Upload a file for a material, or an extra file (applicant; draft or correction)",
        description=(
            "Multipart. The size is checked against the material's limit and the global cap, the type "
            "by the file's first bytes against the material's accepted types (400 on `file` with the "
            "reason). Uploading for a pledged material replaces the pledge."
        ),
        request={"multipart/form-data": s.MaterialUploadInput},
        responses=_responses(s.MaterialFileOutput, 201),
    )
    def create(self, request, *args, **kwargs):
        application = self.application()
        data = _input(s.MaterialUploadInput, request)
        row = services.material_upload(
            actor=request.user,
            application=application,
            material=data.get("material"),
            uploaded_file=data["file"],
        )
        return self._file(row, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Pledge (容缺) a material instead of uploading it now (applicant)",
        request=s.MaterialPledgeInput,
        responses=_responses(s.MaterialFileOutput, 201),
    )
    @action(detail=False, methods=["post"])
    def pledge(self, request, *args, **kwargs):
        application = self.application()
        data = _input(s.MaterialPledgeInput, request)
        row = services.material_pledge(actor=request.user, application=application, material=data["material"])
        return self._file(row, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Supply a pledged material after acceptance on pledge (applicant)",
        request={"multipart/form-data": s.MaterialSupplyInput},
        responses=_responses(s.MaterialFileOutput),
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def supply(self, request, *args, **kwargs):
        application = self.application()
        data = _input(s.MaterialSupplyInput, request)
        row = services.material_supply(
            actor=request.user, application=application, material=data["material"], uploaded_file=data["file"]
        )
        return self._file(row, status.HTTP_200_OK)

    @extend_schema(
        summary="Remove a file or a pledge (applicant; draft or correction, else 409)",
        request=None,
        responses={204: None, **ERRORS},
    )
    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        services.material_remove(actor=request.user, material_file=row)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="What the catalogue asks for: each material with its id, rules and state",
        description="The ids to upload, pledge or supply with; `missing` ones block the submit.",
        responses={200: s.MaterialChecklistOutput(many=True), 404: ERRORS[404]},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def checklist(self, request, *args, **kwargs):
        slots, _extras = material_slots(self.application())
        return Response(s.MaterialChecklistOutput(slots, many=True).data)

    @extend_schema(
        summary="Download a stored file (applicant, or officials who may see the application)",
        description=(
            "The file as an attachment, with the Content-Type sniffed at upload and "
            "`X-Content-Type-Options: nosniff`. A pledge has no file: 404."
        ),
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The file."
            ),
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        # The very checks of the page's download (approvals.views_apply.download).
        row = applicant_selectors.viewable_material(
            user=request.user, uuid=self.kwargs["application_uuid"], pk=self.kwargs["pk"]
        )
        try:
            handle = row.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=row.original_name or "file", content_type=row.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def perform_content_negotiation(self, request, force=False):
        # A download answers whatever the client accepts (its errors are JSON).
        return super().perform_content_negotiation(request, force=force or self.action == "download")


# -- department reviewer / head -------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The inbox: tasks of my departments, by due date"),
    retrieve=extend_schema(summary="One task with the application's form and the review clock"),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Department tasks of the departments where the user is a reviewer or the head."""

    lookup_value_regex = "[0-9]+"
    filterset_class = TaskFilter
    filter_backends = [*viewsets.GenericViewSet.filter_backends, OrderingFilter]
    ordering_fields = ["due_date", "created_at", "id"]
    ordering = ["due_date", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DepartmentTask.objects.none()
        return selectors.inbox_tasks(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return s.InboxTaskOutput
        return s.InboxTaskDetailOutput

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.attach_clocks(tasks=page)
        return self.get_paginated_response(s.InboxTaskOutput(page, many=True).data)

    def _detail(self, task):
        task = self.get_queryset().get(pk=task.pk)
        selectors.attach_clocks(tasks=[task])
        return Response(s.InboxTaskDetailOutput(task).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Claim the task (reviewer)", request=None, responses=_responses(s.InboxTaskDetailOutput)
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, *args, **kwargs):
        task = self.get_object()
        services.task_claim(actor=request.user, task=task)
        return self._detail(task)

    @extend_schema(
        summary="Suspend for a special procedure; the review clock pauses (reviewer)",
        request=s.TaskSuspendInput,
        responses=_responses(s.InboxTaskDetailOutput),
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request, *args, **kwargs):
        task = self.get_object()
        data = _input(s.TaskSuspendInput, request)
        services.task_suspend(
            actor=request.user,
            task=task,
            procedure=data["procedure"],
            reason=data["reason"],
            expected_days=data.get("expected_days"),
        )
        return self._detail(task)

    @extend_schema(
        summary="Resume after a suspension (reviewer)",
        request=None,
        responses=_responses(s.InboxTaskDetailOutput),
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, *args, **kwargs):
        task = self.get_object()
        services.task_resume(actor=request.user, task=task)
        return self._detail(task)

    @extend_schema(
        summary="Request an extension (reviewer)",
        request=s.TaskExtensionRequestInput,
        responses=_responses(s.InboxTaskDetailOutput),
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, *args, **kwargs):
        task = self.get_object()
        data = _input(s.TaskExtensionRequestInput, request)
        services.task_request_extension(
            actor=request.user, task=task, days=data["days"], reason=data["reason"]
        )
        return self._detail(task)

    @extend_schema(
        summary="Approve or refuse a requested extension (department head)",
        request=s.TaskExtensionDecideInput,
        responses=_responses(s.InboxTaskDetailOutput),
    )
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, *args, **kwargs):
        task = self.get_object()
        if not permissions.can_approve_extension(request.user, task):
            # Refused before the body is read: only the head decides, whatever is sent.
            raise exceptions.PermissionDenied(
                _("Only the head of the department may decide on an extension.")
            )
        data = _input(s.TaskExtensionDecideInput, request)
        services.task_extension_decide(
            actor=request.user, task=task, approve=data["approve"], days=data["days"], reason=data["reason"]
        )
        return self._detail(task)

    @extend_schema(
        summary="Decide the review with an opinion (reviewer)",
        request=s.TaskDecideInput,
        responses=_responses(s.InboxTaskDetailOutput),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        task = self.get_object()
        data = _input(s.TaskDecideInput, request)
        services.task_decide(
            actor=request.user,
            task=task,
            decision=data["decision"],
            opinion=data["opinion"],
            conditions=data["conditions"],
        )
        return self._detail(task)


# -- window clerk ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Applications waiting for the completeness check, oldest first"),
    retrieve=extend_schema(summary="One application of my lead departments"),
)
class IntakeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Intake (受理) for window clerks of the lead department. The list shows submitted and corrected
    applications; the detail and actions reach any non-draft application of the clerk's units."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX
    serializer_class = s.IntakeApplicationOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        if self.action == "list":
            return selectors.intake_applications(user=self.request.user)
        return selectors.intake_scope(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.attach_clocks(applications=page)
        return self.get_paginated_response(s.IntakeApplicationOutput(page, many=True).data)

    def _detail(self, application):
        application = selectors.intake_scope(user=self.request.user).get(pk=application.pk)
        selectors.attach_clocks(applications=[application])
        return Response(s.IntakeApplicationOutput(application).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Accept (normal, 容缺 with a supplement date, or 告知承诺); tasks go to the departments",
        request=s.IntakeAcceptInput,
        responses=_responses(s.IntakeApplicationOutput),
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        application = self.get_object()
        data = _input(s.IntakeAcceptInput, request)
        services.application_accept(
            actor=request.user,
            application=application,
            mode=data["mode"],
            supplement_due=data["supplement_due"],
        )
        return self._detail(application)

    @extend_schema(
        summary="Issue the one-time correction notice",
        request=s.IntakeCorrectionInput,
        responses=_responses(s.IntakeApplicationOutput),
    )
    @action(detail=True, methods=["post"], url_path="request-correction")
    def request_correction(self, request, *args, **kwargs):
        application = self.get_object()
        data = _input(s.IntakeCorrectionInput, request)
        services.application_request_correction(
            actor=request.user, application=application, missing=data["missing"]
        )
        return self._detail(application)

    @extend_schema(
        summary="Do not accept, with reasons",
        request=s.IntakeNotAcceptInput,
        responses=_responses(s.IntakeApplicationOutput),
    )
    @action(detail=True, methods=["post"], url_path="not-accept")
    def not_accept(self, request, *args, **kwargs):
        application = self.get_object()
        data = _input(s.IntakeNotAcceptInput, request)
        services.application_not_accept(actor=request.user, application=application, reasons=data["reasons"])
        return self._detail(application)


# -- lead department ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Applications of my lead departments with all their tasks and clocks"),
    retrieve=extend_schema(summary="One application of my lead departments"),
)
class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The lead department's view: every task of its applications, whatever department reviews it."""

    lookup_field = "uuid"
    lookup_value_regex = UUID_REGEX
    serializer_class = s.LeadApplicationOutput
    filterset_class = ApplicationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.lead_applications(user=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.attach_clocks(applications=page)
        return self.get_paginated_response(s.LeadApplicationOutput(page, many=True).data)

    def _detail(self, application):
        application = self.get_queryset().get(pk=application.pk)
        selectors.attach_clocks(applications=[application])
        return Response(s.LeadApplicationOutput(application).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Grant or refuse once every department has decided (lead coordinator)",
        request=s.LeadDecideInput,
        responses=_responses(s.LeadApplicationOutput),
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, *args, **kwargs):
        application = self.get_object()
        data = _input(s.LeadDecideInput, request)
        services.application_decide(
            actor=request.user, application=application, grant=data["grant"], reasons=data["reasons"]
        )
        return self._detail(application)
