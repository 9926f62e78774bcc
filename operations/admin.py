"""PPP records in Django admin.

Records written by services (projects, parties, flags, releases, benchmarks) are read-only here.
Procurement records (tenders with lots and requirements, bids with items, key staff and evidence)
are entered here, typically from the procurement platform; every save or deletion is audited.
"""

from django.contrib import admin
from django.utils.text import capfirst

from portal.admin_mixins import ReadOnlyAdminMixin
from portal.audit.services import audit_record, snapshot
from portal.pii import EncryptedCharField
from portal.pii_forms import PiiFormField, PiiModelForm

from .models import (
    Bid,
    BidItem,
    CatalogueEntry,
    CostBenchmark,
    IntegrityFlag,
    KeyStaff,
    Lot,
    OcdsRelease,
    PartyProfile,
    Project,
    QualificationEvidence,
    QualificationRequirement,
    Shareholding,
    StageTransition,
    Tender,
)


class StageTransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StageTransition


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "regime", "mode", "stage", "implementing_agency", "published"]
    list_filter = ["regime", "stage", "mode", "published"]
    search_fields = ["code", "name"]
    inlines = [StageTransitionInline]


@admin.register(PartyProfile)
class PartyProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "incorporated_on", "registered_capital", "blacklisted_until"]
    exclude = ["legal_rep_id_number"]


@admin.register(Shareholding)
class ShareholdingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["holder", "company", "ratio", "voting_ratio", "valid_from", "valid_until"]


@admin.register(IntegrityFlag)
class IntegrityFlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["tender", "rule", "status", "resolved_by", "resolved_at"]
    list_filter = ["rule", "status"]


@admin.register(OcdsRelease)
class OcdsReleaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["release_id", "project", "date", "tags"]


@admin.register(CostBenchmark)
class CostBenchmarkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "unit", "region", "year", "p25", "p50", "p75", "source"]
    list_filter = ["region", "year"]
    search_fields = ["item"]


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "domain", "participation", "status"]


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletions leave an audit event (procurement records have no service)."""

    def _fields(self, obj):
        return [f.name for f in obj._meta.concrete_fields if f.name != "id"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="ppp.procurement_update" if change else "ppp.procurement_create",
            obj=obj,
            after=snapshot(obj, self._fields(obj)),
        )

    def delete_model(self, request, obj):
        before = snapshot(obj, self._fields(obj))
        audit_record(actor=request.user, action="ppp.procurement_delete", obj=obj, before=before)
        super().delete_model(request, obj)


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0


class RequirementInline(admin.TabularInline):
    model = QualificationRequirement
    extra = 0


@admin.register(Tender)
class TenderAdmin(AuditedAdmin):
    list_display = ["reference", "title", "project", "deadline", "checked_at"]
    readonly_fields = ["checked_at"]
    inlines = [LotInline, RequirementInline]


class BidItemInline(admin.TabularInline):
    model = BidItem
    extra = 0


class KeyStaffInline(admin.TabularInline):
    # The ID number is never prefilled: masked as placeholder, replaced only when typed.
    model = KeyStaff
    extra = 0
    form = PiiModelForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, EncryptedCharField):
            return PiiFormField(label=capfirst(db_field.verbose_name), max_length=db_field.max_length)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EvidenceInline(admin.TabularInline):
    model = QualificationEvidence
    extra = 0


@admin.register(Bid)
class BidAdmin(AuditedAdmin):
    list_display = ["lot", "bidder", "quoted_total", "awarded"]
    list_filter = ["lot__tender"]
    filter_horizontal = ["consortium_members"]
    inlines = [BidItemInline, KeyStaffInline, EvidenceInline]
