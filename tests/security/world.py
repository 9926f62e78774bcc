"""The world the access matrix runs in: the demo city plus a few objects it lacks.

Every route's URL arguments are looked up here by meaning ("the citizen's granted application",
"a pending task of the emergency bureau"), never by database id, so the matrix reads as a policy.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.core.files.base import ContentFile
from django.core.management import call_command

from portal.models import User, UserKind

# Role → demo login. "other_applicant" is a second citizen with no objects of their own.
ROLES = {
    "anonymous": None,
    "applicant": "citizen",
    "other_applicant": "citizen2",
    "reviewer_x": "reviewer",  # approval bureau
    "reviewer_y": "reviewer2",  # emergency management bureau
    "clerk": "clerk",
    "coordinator": "coordinator",
    "supervisor": "supervisor",
    "steward": "steward",  # big-data bureau, the data authority
    "ppp_manager": "ppp",
    "project_company": "enterprise",  # representative of yx-digital, the IOC project company
    "evaluator": "evaluator",
    "intermediary": "intermediary",
    "office": "office",
    "admin": "admin",
}


def build_world():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    User.objects.get_or_create(username="citizen2", defaults={"full_name": "李四", "kind": UserKind.CITIZEN})
    world = World()
    # Objects the demo lacks are made now, inside the module's transaction: made lazily they would
    # vanish with the first test's rollback while the cached property still pointed at them.
    for name in (
        "citizen_material",
        "form_template",
        "score",
        "citizen_comment",
        "consultation_document",
        "project_document",
        "express_delivery",
        "steward_digest",
    ):
        getattr(world, name)
    return world


class World:
    def user(self, username):
        return User.objects.get(username=username)

    # Approvals -----------------------------------------------------------------------------
    @cached_property
    def citizen_app(self):
        from approvals.models import Application

        return Application.objects.filter(applicant__username="citizen", status="published").first()

    @cached_property
    def review_app(self):
        """An enterprise application in review with pending tasks in both bureaus."""
        from approvals.models import Application

        return (
            Application.objects.filter(
                status="in_review",
                tasks__department__code="yx-emergency",
                tasks__status="pending",
            )
            .order_by("-id")
            .first()
        )

    @cached_property
    def express_delivery(self):
        """The citizen's granted application, to be sent by express (a phone to show or not)."""
        from approvals.results.models import Delivery

        delivery = Delivery.objects.filter(application=self.citizen_app).first() or Delivery(
            application=self.citizen_app
        )
        delivery.method, delivery.recipient, delivery.phone = "express", "张三", "13900001234"
        delivery.address = "云溪市信江区政务服务中心"
        delivery.save()
        return delivery

    @cached_property
    def task_x(self):
        return self.review_app.tasks.filter(department__code="yx-approval", status="pending").first()

    @cached_property
    def citizen_material(self):
        from approvals.models import ApplicationMaterial

        app = self.citizen_app
        found = ApplicationMaterial.objects.filter(application=app).first()
        if found:
            return found
        material = app.item.materials.first() if app.item_id else None
        if material is None:
            from approvals.models import Material

            material = Material.objects.first()
        row = ApplicationMaterial(
            application=app, material=material, status="provided", uploaded_by=app.applicant
        )
        row.file.save("licence.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        row.save()
        return row

    @cached_property
    def grant(self):
        from approvals.models import AgentGrant

        return AgentGrant.objects.filter(applicant__username="citizen").first()

    @cached_property
    def verification(self):
        from approvals.models import PledgeVerification

        return PledgeVerification.objects.order_by("id").first()

    @cached_property
    def notice(self):
        from approvals.supervision.models import SupervisionNotice

        return SupervisionNotice.objects.filter(department__code="yx-approval").order_by("id").first()

    @cached_property
    def task_clock(self):
        from portal.clocks.models import Clock

        return Clock.objects.get(
            subject_type__app_label="approvals",
            subject_type__model="departmenttask",
            subject_id=str(self.task_x.pk),
            purpose="review",
        )

    @cached_property
    def company_certificate(self):
        """An issued certificate of the enterprise (the `project_company` login)."""
        from approvals.results.models import Certificate

        return (
            Certificate.objects.filter(application__applicant__username="enterprise", state="issued")
            .order_by("id")
            .first()
        )

    @cached_property
    def verify_token(self):
        from approvals.results.documents import verify_token

        return verify_token(self.company_certificate)

    @cached_property
    def citizen_notification(self):
        from portal.notifications.models import Notification

        return Notification.objects.filter(recipient__username="citizen").first()

    @cached_property
    def steward_clock(self):
        from portal.clocks.models import Clock

        return Clock.objects.filter(owner__username="steward").first()

    @cached_property
    def steward_digest(self):
        """The token of a deadline digest sent to the steward about their clock."""
        from django.utils import timezone

        from portal.clocks.models import DigestItem, DigestKind

        clock = self.steward_clock
        DigestItem.objects.create(
            user=clock.owner,
            clock=clock,
            kind=DigestKind.SIGNAL,
            key=f"clock:{clock.pk}:matrix",
            level="yellow",
            due_date=clock.due_date,
            remaining_days=2,
            sent_at=timezone.now(),
            digest="matrix-digest",
        )
        return "matrix-digest"

    # Data sharing ------------------------------------------------------------------------
    @cached_property
    def resource(self):
        """A resource of the big-data bureau (the steward's own unit)."""
        from sharing.models import DataResource

        return DataResource.objects.get(code="A05-01-01-0001")

    @cached_property
    def request(self):
        from sharing.models import DataRequest

        return DataRequest.objects.filter(resource=self.resource).first()

    @cached_property
    def agreement(self):
        from sharing.models import Agreement

        return Agreement.objects.filter(status="active").order_by("id").first()

    @cached_property
    def credential(self):
        from sharing.exchange.models import ApiCredential

        return ApiCredential.objects.order_by("id").first()

    @cached_property
    def objection(self):
        from sharing.exchange.models import Objection

        return Objection.objects.order_by("id").first()

    @cached_property
    def return_run(self):
        from sharing.exchange.models import ReturnFlowRun

        return ReturnFlowRun.objects.order_by("id").first()

    # PPP ---------------------------------------------------------------------------------
    @cached_property
    def project(self):
        """The IOC PPP project, whose project company is the `enterprise` login's unit."""
        from operations.models import Project

        return Project.objects.get(code="yx-ppp-ioc")

    @cached_property
    def project_document(self):
        """The IOC project's disclosed document, with a file (the demo's has none)."""
        from operations import selectors

        document = selectors.disclosed_documents(self.project)[0]
        if not document.file:
            document.file.save("vfm.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return document

    @cached_property
    def contract(self):
        return self.project.contracts.order_by("id").first()

    @cached_property
    def tender(self):
        from operations.models import Tender

        return Tender.objects.order_by("id").first()

    @cached_property
    def flag(self):
        return self.tender.flags.order_by("id").first()

    @cached_property
    def party(self):
        from operations.models import PartyProfile

        return PartyProfile.objects.select_related("unit").order_by("id").first().unit

    @cached_property
    def party_with_legal_rep_id(self):
        from operations.models import PartyProfile

        return (
            PartyProfile.objects.exclude(legal_rep_id_number="").select_related("unit").order_by("id")[0].unit
        )

    @cached_property
    def catalogue_entry(self):
        from operations.models import CatalogueEntry

        return CatalogueEntry.objects.order_by("id").first()

    @cached_property
    def evaluation(self):
        from operations.performance.models import Evaluation

        return Evaluation.objects.filter(project=self.project, state="published").order_by("id").first()

    @cached_property
    def score(self):
        """A score with an evidence file (the demo has none: give one)."""
        score = self.evaluation.scores.order_by("id").first()
        if not score.evidence_file:
            score.evidence_file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return score

    today = datetime.date.today()

    @cached_property
    def package(self):
        from approvals.models import Package

        return Package.objects.order_by("id").first()

    @cached_property
    def form_template(self):
        from approvals.models import Material

        found = Material.objects.exclude(template="").order_by("id").first()
        if found is None:
            found = Material.objects.filter(item__published=True).order_by("id").first()
            found.template.save("template.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        return found

    @cached_property
    def leading_group(self):
        from coordination.models import OrgKind, OrgUnit

        return OrgUnit.objects.get(kind=OrgKind.LEADING_GROUP)

    @cached_property
    def resource_item(self):
        return self.resource.items.order_by("id").first()

    @cached_property
    def open_resource(self):
        from sharing.models import DataResource

        return DataResource.objects.filter(open_attribute="open", status="published").order_by("code").first()

    @cached_property
    def return_agreement(self):
        return self.return_run.agreement

    # Coordination -------------------------------------------------------------------------
    @cached_property
    def consultation(self):
        """The consultation open for comment, run by the smart-city office (the `office` login)."""
        from coordination.consultations.models import Consultation

        return Consultation.objects.filter(status="open").order_by("id").first()

    @cached_property
    def citizen_comment(self):
        """The citizen's comment on it, with an attachment."""
        comment = self.consultation.comments.filter(author__username="citizen", status="active").first()
        if not comment.attachment:
            comment.attachment.save("comment.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
            comment.attachment_name = "comment.pdf"
            comment.attachment_type = "application/pdf"
            comment.save()
        return comment

    @cached_property
    def consultation_document(self):
        from coordination.consultations.models import ConsultationDocument

        found = self.consultation.documents.order_by("id").first()
        if found is None:
            found = ConsultationDocument(
                consultation=self.consultation,
                title="征求意见稿",
                original_name="draft.pdf",
                content_type="application/pdf",
                size=15,
                sha256="0" * 64,
                uploaded_by=self.user("office"),
            )
            found.file.save("draft.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
            found.save()
        return found

    @cached_property
    def matter(self):
        """A matter the big-data bureau leads and the `enterprise` login's company cooperates on."""
        from coordination.matters.models import Matter

        return (
            Matter.objects.filter(lead_unit__code="yx-data", cooperating_units__code="yx-digital")
            .order_by("id")
            .first()
        )

    @cached_property
    def matter_attachment(self):
        from coordination.matters.models import ReportAttachment

        return ReportAttachment.objects.filter(report__matter=self.matter).order_by("id").first()

    @cached_property
    def meeting(self):
        from coordination.matters.models import Meeting

        return Meeting.objects.order_by("id").first()

    # Intermediary market ------------------------------------------------------------------
    @cached_property
    def citizen_need(self):
        """The citizen's open service need."""
        from approvals.intermediaries.models import Need

        return Need.objects.filter(owner__username="citizen", status="open").order_by("id").first()

    @cached_property
    def delivered_need(self):
        """The enterprise's need whose result has been delivered (a result file)."""
        from approvals.intermediaries.models import Need

        return Need.objects.filter(owner__username="enterprise").exclude(result="").order_by("id").first()

    @cached_property
    def firm(self):
        """The `intermediary` login's firm."""
        from approvals.intermediaries.models import Intermediary

        return Intermediary.objects.get(unit__code="jl-consulting")

    @cached_property
    def complaint(self):
        from approvals.intermediaries.models import Complaint

        return Complaint.objects.filter(status="open").order_by("id").first()

    @cached_property
    def qualification(self):
        return self.firm.qualifications.exclude(scan="").order_by("id").first()
