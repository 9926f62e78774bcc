"""Data requests and the agreements they lead to (DOMAIN.md §5)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .catalogue import DataItem, DataResource, ResourceVersion, SharingMethod, SharingType


class Direction(models.TextChoices):
    UP = "up", _("Upward (汇聚)")
    DOWN = "down", _("Return flow downward (回流)")
    HORIZONTAL = "horizontal", _("Horizontal")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    ON_DEMAND = "on_demand", _("On demand")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AUTHORITY_REVIEW = "authority_review", _("Data authority check")
    PROVIDER_REVIEW = "provider_review", _("Provider review")
    NEGOTIATION = "negotiation", _("Negotiation")
    COORDINATION = "coordination", _("Coordination by the data authority")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_REQUEST_STATES = (
    RequestStatus.SUBMITTED,
    RequestStatus.AUTHORITY_REVIEW,
    RequestStatus.PROVIDER_REVIEW,
    RequestStatus.NEGOTIATION,
    RequestStatus.COORDINATION,
)


class DataRequest(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("request number"), max_length=32, unique=True, null=True, blank=True)
    consumer = models.ForeignKey(
        "coordination.OrgUnit",
        on_delete=models.PROTECT,
        related_name="data_requests",
        verbose_name=_("consumer"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    resource = models.ForeignKey(
        DataResource, on_delete=models.PROTECT, related_name="requests", verbose_name=_("resource")
    )
    version = models.ForeignKey(
        ResourceVersion,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("resource version"),
    )
    items = models.ManyToManyField(DataItem, related_name="requests", verbose_name=_("items wanted"))
    purpose = models.TextField(_("purpose"))
    scenario = models.TextField(_("usage scenario"), blank=True)
    duty_basis = models.TextField(_("duty basis"), help_text=_("The duty or law the data is needed for."))
    method = models.CharField(_("sharing method"), max_length=16, choices=SharingMethod.choices)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    period_from = models.DateField(_("needed from"))
    period_until = models.DateField(_("needed until"))
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    route = models.CharField(
        _("route"),
        max_length=16,
        choices=SharingType.choices,
        blank=True,
        help_text=_("The most restrictive sharing type among the items wanted, fixed on submission."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT, db_index=True
    )
    authority_opinion = models.TextField(_("data authority opinion"), blank=True)
    provider_opinion = models.TextField(_("provider opinion"), blank=True)
    negotiation_notes = models.TextField(_("negotiation notes"), blank=True)
    coordination_decision = models.TextField(_("coordination decision"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True, help_text=_("Why it was rejected or withdrawn."))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_until__gte=F("period_from")), name="datarequest_period_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reasons=""), name="datarequest_rejection_has_reasons"
            ),
        ]
        indexes = [
            models.Index(fields=["consumer", "status"], name="datarequest_consumer_status"),
            models.Index(fields=["resource", "status"], name="datarequest_resource_status"),
        ]

    def __str__(self):
        return self.number or _("Draft request %(id)s") % {"id": self.pk}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("sharing:request", args=[self.uuid])

    def clock_recipients(self, clock):
        from sharing import permissions

        return permissions.request_responsible(self)


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")


class Agreement(models.Model):
    """A data-sharing agreement. Never edited in place: a renewal is a new row (version)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("agreement number"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    request = models.ForeignKey(
        DataRequest, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("request")
    )
    provider = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    consumer = models.ForeignKey(
        "coordination.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("consumer")
    )
    resource = models.ForeignKey(
        DataResource, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("resource")
    )
    resource_version = models.ForeignKey(
        ResourceVersion,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("resource version approved"),
    )
    items = models.ManyToManyField(
        DataItem, through="AgreementItem", related_name="agreements", verbose_name=_("approved items")
    )
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    purpose = models.TextField(_("purpose"))
    method = models.CharField(_("sharing method"), max_length=16, choices=SharingMethod.choices)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    onward_sharing = models.BooleanField(_("onward sharing allowed"), default=False)
    delivery_due = models.DateField(
        _("data available by"), null=True, blank=True, help_text=_("The provider's delivery deadline.")
    )
    delivered_on = models.DateField(_("data available since"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AgreementStatus.choices,
        default=AgreementStatus.ACTIVE,
        db_index=True,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="agreement_number_version"),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(status__in=["active", "suspended"]),
                name="agreement_one_live_version",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="agreement_valid_period"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="agreement_version_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "expired", "superseded"]) | ~Q(status_reason=""),
                name="agreement_stop_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status"], name="agreement_provider_status"),
            models.Index(fields=["consumer", "status"], name="agreement_consumer_status"),
        ]

    def __str__(self):
        return f"{self.number} v{self.version}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("sharing:agreement", args=[self.uuid])

    def approved_item_codes(self) -> list[str]:
        """The codes of the approved items, in the resource's item order."""
        return [
            ai.item.code
            for ai in self.agreement_items.select_related("item").order_by("item__order", "item_id")
        ]

    def is_usable_on(self, day: datetime.date) -> bool:
        return self.status == AgreementStatus.ACTIVE and self.valid_from <= day <= self.valid_until

    def clock_recipients(self, clock):
        from sharing import permissions

        return permissions.stewards_of([self.provider_id])


class AgreementItem(models.Model):
    """One approved item of an agreement (a subset of the items requested)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="agreement_items", verbose_name=_("agreement")
    )
    item = models.ForeignKey(DataItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))

    class Meta:
        verbose_name = _("approved item")
        verbose_name_plural = _("approved items")
        constraints = [models.UniqueConstraint(fields=["agreement", "item"], name="agreementitem_unique")]

    def __str__(self):
        return str(self.item)
