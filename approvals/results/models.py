"""Results of a granted application (DOMAIN.md §3): publication, certificates, seals and delivery.

- `Publication`: the public record of a grant (行政许可法 art. 40), a frozen snapshot written in the
  grant's own transaction; personal data is masked (portal.masking), organisations are shown in full.
- `Certificate`: one per granted item of the application, with a serial number per implementing
  body and year, an opaque public id (the verify page's token is signed over it), the holder as it
  was at the grant, validity dates and the rendered PDF (a private file, served only through
  permission-checked views).
- `CertificateSpec`: per item, what its certificate says (title, validity, wording); edited in admin.
- `Seal`: the implementing body's seal image; a generated SVG stands in when there is none.
- `Delivery`: how the applicant receives the certificate (pickup or express) and its progress.

Statuses move only through approvals.results.services.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.rules import Delivery as DeliveryMethod
from portal.pii import BlindIndexField, EncryptedCharField, PiiKind, PiiModelMixin


class CertificateSpec(models.Model):
    """What the certificate of one approval item says."""

    item = models.OneToOneField(
        "approvals.Item", on_delete=models.CASCADE, related_name="certificate_spec", verbose_name=_("item")
    )
    title = models.CharField(
        _("certificate title"),
        max_length=100,
        help_text=_("e.g. 食品经营许可证; empty uses the item's name."),
    )
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("Empty: valid without a time limit."),
    )
    wording = models.TextField(
        _("wording"),
        blank=True,
        help_text=_("The text printed on the certificate above the conditions, e.g. what the holder may do."),
    )

    class Meta:
        verbose_name = _("certificate specification")
        verbose_name_plural = _("certificate specifications")

    def __str__(self):
        return self.title


def _seal_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"private/results/seals/{instance.unit_id}-{uuid.uuid4().hex[:8]}.{extension}"


def validate_seal_size(file):
    from django.core.exceptions import ValidationError

    if file and file.size > 2 * 1024 * 1024:
        raise ValidationError(_("A seal image may be at most 2 MB."))


class Seal(models.Model):
    """The issuing seal of an implementing body (one for the approval bureau)."""

    unit = models.OneToOneField(
        "coordination.OrgUnit", on_delete=models.CASCADE, related_name="seal", verbose_name=_("unit")
    )
    image = models.FileField(
        _("image"),
        upload_to=_seal_path,
        validators=[FileExtensionValidator(["png", "svg"]), validate_seal_size],
        help_text=_("PNG with a transparent background, or SVG; at most 2 MB."),
    )
    legend = models.CharField(
        _("seal legend"),
        max_length=60,
        blank=True,
        help_text=_("Text under the star, e.g. 行政审批专用章."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")

    def __str__(self):
        return str(self.unit)


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", _("Granted")
    REVOKED = "revoked", _("Revoked")


class Publication(models.Model):
    """The public record of a grant: a frozen, masked snapshot taken in the grant's transaction."""

    application = models.OneToOneField(
        "approvals.Application", on_delete=models.PROTECT, related_name="publication"
    )
    number = models.CharField(_("application number"), max_length=32, db_index=True)
    subject_name = models.CharField(_("item"), max_length=200)
    item = models.ForeignKey(
        "approvals.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    package = models.ForeignKey(
        "approvals.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
        help_text=_("The lead department that decided."),
    )
    implementing_body_name = models.CharField(_("implementing body"), max_length=400)
    holder = models.CharField(_("holder"), max_length=200, help_text=_("Masked for a natural person."))
    holder_is_organisation = models.BooleanField(default=False)
    decided_on = models.DateField(_("decided on"))
    conditions = models.TextField(_("conditions"), blank=True)
    serials = models.CharField(_("certificate serials"), max_length=400, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.PUBLISHED
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            models.Index(fields=["-decided_on", "-id"], name="publication_register"),
            models.Index(fields=["department", "-decided_on"], name="publication_by_department"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject_name}"


class CertificateState(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting issue")
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    application = models.ForeignKey(
        "approvals.Application", on_delete=models.PROTECT, related_name="certificates"
    )
    item = models.ForeignKey("approvals.Item", on_delete=models.PROTECT, related_name="+")
    implementing_body = models.ForeignKey(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("implementing body"),
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    title = models.CharField(_("certificate title"), max_length=100)
    wording = models.TextField(_("wording"), blank=True)
    item_name = models.CharField(_("item"), max_length=200)
    body_name = models.CharField(_("implementing body"), max_length=200)
    holder_name = models.CharField(_("holder"), max_length=200)
    # Encrypted: for a person it is the resident ID number (portal/pii.py). Never looked up by value.
    holder_code = EncryptedCharField(
        _("holder's code"),
        kind=PiiKind.ID_NUMBER,
        max_length=18,
        blank=True,
        help_text=_("Credit code or ID number."),
    )
    holder_is_organisation = models.BooleanField(default=False)
    holder_masked = models.CharField(_("holder (public)"), max_length=200)
    conditions = models.TextField(_("conditions"), blank=True)
    decided_on = models.DateField(_("decided on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=CertificateState.choices, default=CertificateState.AWAITING
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(_("PDF"), upload_to="private/results/certificates/%Y/", blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="certificate_one_per_item"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="certificate_valid_until_after_from",
            ),
        ]
        indexes = [models.Index(fields=["implementing_body", "state"], name="certificate_by_body")]

    def __str__(self):
        return f"{self.serial} {self.title}"

    def public_state(self, today: datetime.date) -> str:
        """valid / revoked / expired / awaiting, as the verify page shows it."""
        if self.state == CertificateState.REVOKED:
            return "revoked"
        if self.state != CertificateState.ISSUED:
            return "awaiting"
        if self.valid_until and self.valid_until < today:
            return "expired"
        return "valid"


class DeliveryState(models.TextChoices):
    CHOSEN = "chosen", _("Chosen by the applicant")
    READY = "ready", _("Ready for pickup")
    SHIPPED = "shipped", _("Sent by express")
    DELIVERED = "delivered", _("Delivered")


class Delivery(PiiModelMixin, models.Model):
    """How the applicant receives the certificates of one application, and how far it has got."""

    application = models.OneToOneField(
        "approvals.Application", on_delete=models.PROTECT, related_name="delivery"
    )
    method = models.CharField(_("delivery"), max_length=8, choices=DeliveryMethod.choices)
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    phone = EncryptedCharField(_("phone"), kind=PiiKind.PHONE, max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone", purpose="delivery.phone")
    address = models.CharField(_("address"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.CHOSEN
    )
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    ready_on = models.DateField(_("ready on"), null=True, blank=True)
    shipped_on = models.DateField(_("sent on"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="express") | (~Q(recipient="") & ~Q(phone="") & ~Q(address="")),
                name="delivery_express_has_address",
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.get_method_display()}"
