"""The files an applicant hands in with an application (申请材料).

Files are stored privately under MEDIA_ROOT/applications/<application uuid>/<random name>;
MEDIA_URL is never served, so the only way to read one is the permission-checked download view
(approvals.views_apply.material_download). The stored name is random, the name the applicant
gave is kept (normalised) in `original_name` for the download's Content-Disposition.

The content type is sniffed from the first bytes of the content, never taken from the
extension or the browser: `sniff_type` knows the magic numbers of the types the catalogue
accepts (approvals.rules.UPLOAD_TYPES).
"""

from __future__ import annotations

import secrets
import unicodedata
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.uploads import ATTACHMENT_TYPES

from .applications import Application
from .catalogue import Material

# What the first bytes of a file say it is: (magic, family). The family decides which
# extensions (UPLOAD_TYPES) it may carry and the Content-Type we store and serve.
MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),  # docx, xlsx, ofd are ZIP containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # doc, xls (OLE2 compound file)
)
SNIFF_BYTES = 16

# Extension -> (family its content must have, Content-Type we store): the portal's one table.
EXTENSION_TYPES = ATTACHMENT_TYPES

ORIGINAL_NAME_LENGTH = 200


def sniff_family(head: bytes) -> str | None:
    """The family of content that starts with `head`, or None when we do not recognise it."""
    for magic, family in MAGIC_NUMBERS:
        if head.startswith(magic):
            return family
    return None


def normalise_name(name: str) -> str:
    """A safe display name: the last path part, NFC, no control characters, bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*')
    name = " ".join(name.split()).strip(". ")
    if not name:
        return "file"
    if len(name) > ORIGINAL_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 10:
            name = stem[: ORIGINAL_NAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:ORIGINAL_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def material_upload_to(instance: ApplicationMaterial, filename: str) -> str:
    """applications/<application uuid>/<random name>: nothing the applicant typed is in the path."""
    return f"applications/{instance.application.uuid}/{secrets.token_hex(16)}"


class MaterialStatus(models.TextChoices):
    PROVIDED = "provided", _("Provided")
    PLEDGED = "pledged", _("Pledged (容缺)")
    SUPPLIED = "supplied", _("Supplied after acceptance")
    AREA = "area", _("Covered by an area assessment (区域评估)")


class ApplicationMaterial(models.Model):
    """One file handed in for one material of an application, or a pledge to hand it in later."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="materials", verbose_name=_("application")
    )
    material = models.ForeignKey(
        Material,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("material"),
        help_text=_("Empty for an extra file the catalogue does not ask for."),
    )
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=ORIGINAL_NAME_LENGTH, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MaterialStatus.choices)
    assessment = models.ForeignKey(
        "approvals.AreaAssessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="uses",
        verbose_name=_("area assessment"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("application material")
        verbose_name_plural = _("application materials")
        constraints = [
            # A pledge or an area assessment has no file; a provided or supplied material always has one.
            models.CheckConstraint(
                condition=(Q(status__in=["pledged", "area"]) & Q(file=""))
                | (Q(status__in=["provided", "supplied"]) & ~Q(file="")),
                name="appmaterial_file_matches_status",
            ),
            models.CheckConstraint(
                condition=(Q(status="area") & Q(assessment__isnull=False) & Q(material__isnull=False))
                | (~Q(status="area") & Q(assessment__isnull=True)),
                name="appmaterial_area_names_assessment",
            ),
            models.UniqueConstraint(
                fields=["application", "material"],
                condition=Q(status="area"),
                name="appmaterial_one_area_use",
            ),
            models.CheckConstraint(
                condition=~Q(status="pledged") | Q(material__isnull=False),
                name="appmaterial_pledge_names_material",
            ),
            models.UniqueConstraint(
                fields=["application", "material"],
                condition=Q(status="pledged"),
                name="appmaterial_one_pledge",
            ),
        ]
        indexes = [models.Index(fields=["application", "material"], name="appmaterial_by_application")]

    def __str__(self):
        return self.original_name or str(self.get_status_display())

    @property
    def has_file(self) -> bool:
        return bool(self.file)
