"""Every write of the results app: publication, certificates, revocation and delivery.

- `publish_on_grant` runs inside the grant's transaction (approvals.signals receiver): it writes
  the certificates to be issued, the masked public record (行政许可法 art. 40), starts the "issue"
  clock (10 working days from the decision, art. 44) and moves the application GRANTED → PUBLISHED.
  It renders nothing: the PDF is rendered when the clerk issues the certificate.
- `certificate_issue`: the window clerk renders and stores the PDFs, PUBLISHED → ISSUED, the issue
  clock stops, the applicant is told.
- `revoke_on_revocation` runs inside the transaction that moves an application to REVOKED: its
  certificates and its public record become revoked, with the date and the reason.
- Delivery: the applicant chooses pickup or express (`delivery_choose`); the clerk records
  `delivery_ready` (pickup) or `delivery_ship` (express, carrier and tracking number); the handover
  or receipt is confirmed (`delivery_confirm`), ISSUED → DELIVERED. The applicant is told each step.

Each service locks the application row, checks who may act (approvals.results.permissions) and the
state, writes, notifies through the outbox and records the audit event last.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import Application
from approvals.services.applications import application_transition
from approvals.workflow import ApplicationStatus, TaskStatus
from portal.audit.actions import register_actions
from portal.audit.services import audit_record, snapshot
from portal.clocks import services as clocks
from portal.clocks.models import Clock
from portal.errors import DomainError, TransitionNotAllowed
from portal.masking import mask_name, mask_text
from portal.models import User, UserKind
from portal.notifications.services import notify
from portal.numbering import next_number

from . import conf, documents, permissions
from .models import (
    Certificate,
    CertificateSpec,
    CertificateState,
    Delivery,
    DeliveryState,
    Publication,
    PublicationStatus,
)

A = ApplicationStatus
ISSUE_CLOCK = "issue"
PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}(?:-\d{1,6})?)$")

register_actions(
    {
        "publication.create": gettext_lazy("Grant published"),
        "publication.revoke": gettext_lazy("Publication revoked"),
        "certificate.create": gettext_lazy("Certificate prepared"),
        "certificate.issue": gettext_lazy("Certificate issued"),
        "certificate.revoke": gettext_lazy("Certificate revoked"),
        "delivery.choose": gettext_lazy("Delivery chosen"),
        "delivery.ready": gettext_lazy("Certificate ready for pickup"),
        "delivery.ship": gettext_lazy("Certificate sent by express"),
        "delivery.confirm": gettext_lazy("Certificate delivered"),
    }
)

CERTIFICATE_FIELDS = ["serial", "state", "valid_from", "valid_until", "issued_on", "revoked_on"]
DELIVERY_FIELDS = ["method", "state", "carrier", "tracking_number", "ready_on", "shipped_on", "delivered_on"]


def _today() -> datetime.date:
    return clocks.local_today()


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _deny(message: str):
    raise PermissionDenied(message)


def applicant_url(application: Application) -> str:
    return f"/apply/a/{application.uuid}/"


def _issue_clock(application: Application) -> Clock | None:
    return Clock.objects.filter(
        subject_type__app_label="approvals",
        subject_type__model="application",
        subject_id=str(application.pk),
        purpose=ISSUE_CLOCK,
    ).first()


def _tell_applicant(application: Application, event: str, **context) -> None:
    notify(
        recipients=[application.applicant],
        kind="certificate_event",
        key=f"certificate:{application.pk}:{event}",
        url=applicant_url(application),
        subject=application,
        context={
            "event": event,
            "number": application.number or "",
            "name": application.subject_name,
            **context,
        },
    )


# -- what a grant produces ------------------------------------------------------------------------------


def holder_of(applicant: User, form_data: dict | None = None) -> dict:
    """The holder as printed on the certificate, and as the public may see it."""
    form_data = form_data or {}
    if applicant.kind == UserKind.ENTERPRISE:
        name = applicant.organisation_name or form_data.get("applicant_name") or applicant.get_full_name()
        code = applicant.uscc or str(form_data.get("uscc") or "")[:18]
        return {"name": name, "code": code, "organisation": True, "public": name}
    name = applicant.get_full_name()
    return {"name": name, "code": applicant.id_number, "organisation": False, "public": mask_name(name)}


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def validity(spec: CertificateSpec | None, start: datetime.date) -> datetime.date | None:
    """The last day of validity: `validity_years` after the start, less a day; None without a limit."""
    if spec is None or not spec.validity_years:
        return None
    return _add_years(start, spec.validity_years) - datetime.timedelta(days=1)


def serial_prefix(body, year: int) -> str:
    """One sequence per implementing body and year, e.g. YX-APPROVAL-2026 → YX-APPROVAL-2026-000001."""
    return f"{body.code.upper()}-{year}"


def _granted_items(application: Application) -> list[tuple]:
    """(item, conditions) of every item the application was granted, in catalogue order."""
    tasks = application.tasks.select_related("item", "item__certificate_spec", "item__implementing_body")
    granted = [
        t
        for t in tasks.order_by("pk")
        if t.status in (TaskStatus.APPROVED, TaskStatus.APPROVED_WITH_CONDITIONS)
    ]
    if granted:
        return [(t.item, t.conditions.strip()) for t in granted]
    if application.item_id:  # granted without department tasks (not through the usual review)
        return [(application.item, "")]
    return []


def publish_on_grant(application: Application) -> Publication:
    """Prepare the certificates and publish the grant; GRANTED → PUBLISHED. In the grant's transaction."""
    if Publication.objects.filter(application=application).exists():
        raise TransitionNotAllowed(_("This grant is already published."))
    decided_on = application.decided_on or _today()
    holder = holder_of(application.applicant, application.form_data)
    certificates = []
    for item, conditions in _granted_items(application):
        spec = getattr(item, "certificate_spec", None)
        body = item.implementing_body
        certificates.append(
            Certificate.objects.create(
                application=application,
                item=item,
                implementing_body=body,
                serial=next_number(serial_prefix(body, decided_on.year)),
                title=(spec.title if spec and spec.title else item.name),
                wording=spec.wording if spec else "",
                item_name=item.name,
                body_name=body.name,
                holder_name=holder["name"],
                holder_code=holder["code"] or "",
                holder_is_organisation=holder["organisation"],
                holder_masked=holder["public"],
                conditions=conditions,
                decided_on=decided_on,
                valid_from=decided_on,
                valid_until=validity(spec, decided_on),
            )
        )
    bodies = []
    for certificate in certificates:
        if certificate.body_name not in bodies:
            bodies.append(certificate.body_name)
    summary = "\n".join(
        f"{c.item_name}：{c.conditions}" if len(certificates) > 1 else c.conditions
        for c in certificates
        if c.conditions
    )
    publication = Publication.objects.create(
        application=application,
        number=application.number or "",
        subject_name=application.subject_name,
        item=application.item,
        package=application.package,
        department=application.lead_department,
        implementing_body_name="、".join(bodies) or application.lead_department.name,
        holder=holder["public"],
        holder_is_organisation=holder["organisation"],
        decided_on=decided_on,
        conditions=mask_text(summary),
        serials=" ".join(c.serial for c in certificates),
    )
    if certificates:
        clocks.clock_start(
            subject=application,
            purpose=ISSUE_CLOCK,
            limit_days=conf.issue_days(),
            start_on=min(decided_on, _today()),
            label=_("Issue the certificate of %(number)s") % {"number": application.number},
        )
    for certificate in certificates:
        audit_record(
            actor=None,
            action="certificate.create",
            obj=certificate,
            after=snapshot(certificate, CERTIFICATE_FIELDS),
        )
    audit_record(
        actor=None,
        action="publication.create",
        obj=publication,
        after={"number": publication.number, "holder": publication.holder, "serials": publication.serials},
        reason=str(_("Grants are public (Administrative Licensing Law, art. 40).")),
    )
    application_transition(
        application,
        A.PUBLISHED,
        actor=None,
        reason=str(_("Published automatically (Administrative Licensing Law, art. 40).")),
    )
    return publication


def revoke_on_revocation(application: Application, *, reason: str) -> None:
    """The application was revoked: so are its certificates and its public record. In that transaction."""
    today = _today()
    for certificate in Certificate.objects.select_for_update().filter(application=application):
        if certificate.state == CertificateState.REVOKED:
            continue
        before = snapshot(certificate, CERTIFICATE_FIELDS)
        certificate.state = CertificateState.REVOKED
        certificate.revoked_on = today
        certificate.revoked_reason = reason
        certificate.save()
        audit_record(
            actor=None,
            action="certificate.revoke",
            obj=certificate,
            before=before,
            after=snapshot(certificate, CERTIFICATE_FIELDS),
            reason=reason,
        )
    publication = Publication.objects.select_for_update().filter(application=application).first()
    if publication is not None and publication.status != PublicationStatus.REVOKED:
        publication.status = PublicationStatus.REVOKED
        publication.revoked_on = today
        publication.revoked_reason = mask_text(reason)
        publication.save()
        audit_record(
            actor=None,
            action="publication.revoke",
            obj=publication,
            before={"status": PublicationStatus.PUBLISHED},
            after={"status": PublicationStatus.REVOKED, "revoked_on": today},
            reason=reason,
        )
    clock = _issue_clock(application)
    if clock is not None and clock.state != "stopped":
        clocks.clock_stop(clock=clock, actor=None, reason=reason)
    if publication is not None:
        _tell_applicant(application, "revoked", reason=reason, revoked_on=today)


# -- the window clerk issues -------------------------------------------------------------------------


@transaction.atomic
def certificate_issue(*, actor, application: Application) -> list[Certificate]:
    """Render and store the certificates' PDFs; PUBLISHED → ISSUED; the issue clock stops."""
    application = _lock(application)
    if not permissions.can_issue(actor, application):
        _deny(_("Only a window clerk of the lead department may issue the certificate."))
    if application.status != A.PUBLISHED:
        raise TransitionNotAllowed(_("Only a published grant can have its certificate issued."))
    certificates = list(
        Certificate.objects.select_for_update()
        .filter(application=application, state=CertificateState.AWAITING)
        .select_related("application", "implementing_body")
    )
    if not certificates:
        raise TransitionNotAllowed(_("There is no certificate to issue."))
    today = _today()
    # Render and store first, before the audit trail's chain lock is taken (rendering is slow). The
    # files are written at once; if anything below fails, they are removed with the rollback.
    stored = []
    befores = {c.pk: snapshot(c, CERTIFICATE_FIELDS) for c in certificates}
    try:
        for certificate in certificates:
            certificate.issued_on = today  # printed under the seal
            certificate.pdf.save(
                f"{certificate.public_id.hex}.pdf",
                ContentFile(documents.certificate_pdf(certificate)),
                save=False,
            )
            stored.append(certificate.pdf.name)
        clock = _issue_clock(application)
        if clock is not None and clock.state != "stopped":
            clocks.clock_stop(clock=clock, actor=actor)
        for certificate in certificates:
            certificate.state = CertificateState.ISSUED
            certificate.issued_by = actor
            certificate.save()
            audit_record(
                actor=actor,
                action="certificate.issue",
                obj=certificate,
                before=befores[certificate.pk],
                after=snapshot(certificate, CERTIFICATE_FIELDS),
            )
        application_transition(application, A.ISSUED, actor=actor)
        _tell_applicant(
            application, "issued", serials=", ".join(c.serial for c in certificates), issued_on=today
        )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return certificates


# -- delivery ------------------------------------------------------------------------------------------


def allowed_methods(application: Application) -> list[str]:
    """The delivery options every granted item offers (the catalogue's); pickup when none is said."""
    items = [item for item, _c in _granted_items(application)] or (
        [application.item] if application.item_id else []
    )
    options = None
    for item in items:
        offered = set(item.delivery_options or [])
        options = offered if options is None else options & offered
    ordered = [m for m in ("pickup", "express") if options and m in options]
    return ordered or ["pickup"]


@transaction.atomic
def delivery_choose(
    *, actor, application: Application, method: str, recipient: str = "", phone: str = "", address: str = ""
) -> Delivery:
    """The applicant chooses how to receive the certificate (before it is handed over or sent)."""
    application = _lock(application)
    if not permissions.is_applicant(actor, application):
        _deny(_("Only the applicant may choose how to receive the certificate."))
    if application.status not in (A.PUBLISHED, A.ISSUED):
        raise TransitionNotAllowed(_("The way of delivery can be chosen once the grant is published."))
    if method not in allowed_methods(application):
        raise DomainError(_("This service does not offer that way of delivery."), field="method")
    recipient, phone, address = recipient.strip(), phone.strip(), address.strip()
    if method == "express":
        if not recipient:
            raise DomainError(_("Give the recipient's name."), field="recipient")
        if not PHONE_RE.match(phone):
            raise DomainError(_("Give a mobile or landline number, e.g. 13812345678."), field="phone")
        if len(address) < 6:
            raise DomainError(_("Give the full postal address."), field="address")
    else:
        recipient = phone = address = ""
    delivery = Delivery.objects.select_for_update().filter(application=application).first()
    before = snapshot(delivery, DELIVERY_FIELDS) if delivery else None
    if delivery is not None and delivery.state != DeliveryState.CHOSEN:
        raise TransitionNotAllowed(_("The certificate is already on its way; the choice cannot change."))
    if delivery is None:
        delivery = Delivery(application=application)
    delivery.method, delivery.recipient, delivery.phone, delivery.address = method, recipient, phone, address
    delivery.save()
    audit_record(
        actor=actor,
        action="delivery.choose",
        obj=delivery,
        before=before,
        after=snapshot(delivery, DELIVERY_FIELDS),
    )
    return delivery


def _clerk_delivery(actor, application: Application) -> Application:
    application = _lock(application)
    if not permissions.can_record_delivery(actor, application):
        _deny(_("Only a window clerk of the lead department may record the delivery."))
    if application.status != A.ISSUED:
        raise TransitionNotAllowed(_("The certificate must be issued first."))
    return application


@transaction.atomic
def delivery_ready(*, actor, application: Application) -> Delivery:
    """Pickup: the certificate is ready at the service hall. Without a choice, pickup is recorded."""
    application = _clerk_delivery(actor, application)
    delivery = Delivery.objects.select_for_update().filter(application=application).first()
    if delivery is None:
        if "pickup" not in allowed_methods(application):
            raise DomainError(_("This service does not offer pickup; the applicant chooses express."))
        delivery = Delivery.objects.create(application=application, method="pickup")
    if delivery.method != "pickup" or delivery.state != DeliveryState.CHOSEN:
        raise TransitionNotAllowed(_("Only a certificate to be picked up can be made ready for pickup."))
    before = snapshot(delivery, DELIVERY_FIELDS)
    delivery.state, delivery.ready_on = DeliveryState.READY, _today()
    delivery.save()
    _tell_applicant(application, "ready")
    audit_record(
        actor=actor,
        action="delivery.ready",
        obj=delivery,
        before=before,
        after=snapshot(delivery, DELIVERY_FIELDS),
    )
    return delivery


@transaction.atomic
def delivery_ship(*, actor, application: Application, carrier: str, tracking_number: str) -> Delivery:
    """Express: the certificate was handed to the carrier with this tracking number."""
    application = _clerk_delivery(actor, application)
    carrier, tracking_number = carrier.strip(), tracking_number.strip().upper()
    if not carrier:
        raise DomainError(_("Name the carrier."), field="carrier")
    if not re.fullmatch(r"[A-Z0-9-]{6,40}", tracking_number):
        raise DomainError(
            _("A tracking number has 6 to 40 letters, digits or hyphens."), field="tracking_number"
        )
    delivery = Delivery.objects.select_for_update().filter(application=application).first()
    if delivery is None or delivery.method != "express" or delivery.state != DeliveryState.CHOSEN:
        raise TransitionNotAllowed(_("The applicant has not asked for express delivery."))
    before = snapshot(delivery, DELIVERY_FIELDS)
    delivery.state, delivery.shipped_on = DeliveryState.SHIPPED, _today()
    delivery.carrier, delivery.tracking_number = carrier, tracking_number
    delivery.save()
    _tell_applicant(application, "shipped", carrier=carrier, tracking_number=tracking_number)
    audit_record(
        actor=actor,
        action="delivery.ship",
        obj=delivery,
        before=before,
        after=snapshot(delivery, DELIVERY_FIELDS),
    )
    return delivery


@transaction.atomic
def delivery_confirm(*, actor, application: Application) -> Delivery:
    """The certificate was handed over (pickup, by the clerk) or received (express, applicant or
    clerk): ISSUED → DELIVERED."""
    application = _lock(application)
    delivery = Delivery.objects.select_for_update().filter(application=application).first()
    if delivery is None:
        raise TransitionNotAllowed(_("No delivery has been recorded yet."))
    if not permissions.can_confirm_receipt(actor, application, delivery):
        _deny(_("Only a window clerk of the lead department may confirm the handover."))
    expected = DeliveryState.READY if delivery.method == "pickup" else DeliveryState.SHIPPED
    if application.status != A.ISSUED or delivery.state != expected:
        raise TransitionNotAllowed(_("The certificate is not on its way yet."))
    before = snapshot(delivery, DELIVERY_FIELDS)
    delivery.state, delivery.delivered_on, delivery.confirmed_by = DeliveryState.DELIVERED, _today(), actor
    delivery.save()
    application_transition(application, A.DELIVERED, actor=actor)
    _tell_applicant(application, "delivered", delivered_on=delivery.delivered_on)
    audit_record(
        actor=actor,
        action="delivery.confirm",
        obj=delivery,
        before=before,
        after=snapshot(delivery, DELIVERY_FIELDS),
    )
    return delivery
