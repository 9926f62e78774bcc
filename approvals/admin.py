"""Django admin for the approval catalogue (事项清单) and packages (模块化审批).

Catalogue data is edited here and saved normally, after model validation (ModelForm runs
full_clean on every row) and the whole-set checks below (materials of an item; limits, form and
materials of a package). Publishing changes the public service guide, so it goes through
approvals.services (with an audit event) from the admin actions.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import services
from approvals.catalogue import form_conflicts, material_conflicts, merge_form_fields, merge_materials
from approvals.models import (
    AgentGrant,
    AreaAssessment,
    AssessedArea,
    CreditRecord,
    FormField,
    Item,
    Material,
    Package,
    PackageItem,
    PledgeVerification,
    check_material_set,
    check_package_limit,
)
from approvals.rules import Delivery, Procedure
from portal.admin_mixins import ReadOnlyAdminMixin
from portal.errors import DomainError


def _live_forms(formset):
    return [f for f in formset.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]


class ItemForm(forms.ModelForm):
    clock_stop_procedures = forms.MultipleChoiceField(
        label=capfirst(Item._meta.get_field("clock_stop_procedures").verbose_name),
        choices=Procedure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery_options = forms.MultipleChoiceField(
        label=capfirst(Item._meta.get_field("delivery_options").verbose_name),
        choices=Delivery.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Item
        fields = [
            "code",
            "name",
            "origin_department",
            "implementing_body",
            "active",
            "handling",
            "statutory_limit_days",
            "promised_limit_days",
            "limit_special_basis",
            "extension_days",
            "extension_approver",
            "clock_stop_procedures",
            "fully_online",
            "delivery_options",
            "pledge_acceptance_allowed",
            "pledge_approval_allowed",
            "fee_text",
            "fee_amount",
            "legal_basis",
            "conditions",
        ]


class MaterialFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        materials = [f.instance for f in _live_forms(self)]
        if problems := check_material_set(self.instance, materials):
            raise ValidationError(problems)


class MaterialInline(admin.TabularInline):
    model = Material
    formset = MaterialFormSet
    extra = 0
    fields = [
        "order",
        "name",
        "required",
        "may_be_pledged",
        "area_assessment_kind",
        "accepted_types",
        "max_size_mb",
        "template",
        "description",
    ]
    formfield_overrides = {
        Material._meta.get_field("description").__class__: {"widget": forms.Textarea(attrs={"rows": 1})}
    }


class FormFieldFormSet(forms.BaseInlineFormSet):
    """A key changed here must still agree with the other items of every package of this item."""

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        mine = [f.instance for f in _live_forms(self)]
        problems = []
        for package in Package.objects.filter(package_items__item=self.instance).distinct():
            others = [
                (pi.item, list(pi.item.form_fields.all()))
                for pi in package.package_items.exclude(item=self.instance)
                .select_related("item")
                .prefetch_related("item__form_fields")
            ]
            for problem in form_conflicts([(self.instance, mine), *others]):
                problems.append(f"{package.code}: {problem}")
        if problems:
            raise ValidationError(problems)


class FormFieldInline(admin.TabularInline):
    model = FormField
    formset = FormFieldFormSet
    extra = 0
    fields = ["order", "key", "label", "kind", "required", "choices", "help_text"]
    formfield_overrides = {
        FormField._meta.get_field("choices").__class__: {
            "widget": forms.Textarea(attrs={"rows": 1, "cols": 30})
        }
    }


class PublishActionsMixin:
    kind = ""  # the service's keyword for the object: "item" or "package"
    publish_service = None

    def _set_published(self, request, queryset, published):
        done = 0
        for obj in queryset:
            try:
                type(self).publish_service(actor=request.user, published=published, **{self.kind: obj})
                done += 1
            except PermissionDenied:
                self.message_user(request, _("You may not publish the catalogue."), messages.ERROR)
                return
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        if done:
            msg = _("%(n)s published.") if published else _("%(n)s withdrawn from the guide.")
            self.message_user(request, msg % {"n": done}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Publish in the service guide"))
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=gettext_lazy("Withdraw from the service guide"))
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


@admin.register(Item)
class ItemAdmin(PublishActionsMixin, admin.ModelAdmin):
    form = ItemForm
    kind = "item"
    publish_service = staticmethod(services.catalogue_item_publish)
    inlines = [MaterialInline, FormFieldInline]
    list_display = [
        "code",
        "name",
        "implementing_body",
        "origin_department",
        "handling",
        "statutory_limit_days",
        "promised_limit_days",
        "fully_online",
        "active",
        "published",
    ]
    list_filter = [
        "origin_department",
        "implementing_body",
        "handling",
        "fully_online",
        "active",
        "published",
    ]
    search_fields = ["code", "name"]
    autocomplete_fields = ["origin_department", "implementing_body"]
    readonly_fields = ["published", "updated_at"]
    actions = ["publish", "unpublish"]
    list_select_related = ["implementing_body", "origin_department"]
    fieldsets = [
        (None, {"fields": ["code", "name", "origin_department", "implementing_body", "active", "published"]}),
        (
            gettext_lazy("Time limits (working days)"),
            {
                "fields": [
                    "handling",
                    ("statutory_limit_days", "promised_limit_days"),
                    "limit_special_basis",
                    ("extension_days", "extension_approver"),
                    "clock_stop_procedures",
                ]
            },
        ),
        (
            gettext_lazy("Service"),
            {
                "fields": [
                    "fully_online",
                    "delivery_options",
                    "pledge_acceptance_allowed",
                    "pledge_approval_allowed",
                    ("fee_text", "fee_amount"),
                ]
            },
        ),
        (gettext_lazy("Law and conditions"), {"fields": ["legal_basis", "conditions", "updated_at"]}),
    ]


class PackageItemFormSet(forms.BaseInlineFormSet):
    """The package as a whole: total limit ≥ its longest promised limit; one form; one material set."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in _live_forms(self) if f.cleaned_data.get("item")]
        items = [r["item"] for r in rows]
        if len({i.pk for i in items}) != len(items):
            raise ValidationError(_("An item is listed twice."))
        problems = []
        total = self.instance.total_limit_days
        if total and (problem := check_package_limit(total, items)):
            problems.append(problem)
        pairs = [
            (i, list(i.form_fields.all()))
            for i in Item.objects.filter(pk__in=[i.pk for i in items]).prefetch_related("form_fields")
        ]
        problems += form_conflicts(pairs)
        materials = [
            (i, list(i.materials.all()))
            for i in Item.objects.filter(pk__in=[i.pk for i in items]).prefetch_related("materials")
        ]
        problems += material_conflicts(merge_materials(materials))
        if problems:
            raise ValidationError(problems)


class PackageItemInline(admin.TabularInline):
    model = PackageItem
    formset = PackageItemFormSet
    extra = 0
    fields = ["order", "item", "mandatory"]
    autocomplete_fields = ["item"]


@admin.register(Package)
class PackageAdmin(PublishActionsMixin, admin.ModelAdmin):
    kind = "package"
    publish_service = staticmethod(services.catalogue_package_publish)
    inlines = [PackageItemInline]
    list_display = ["code", "name", "stage", "lead_department", "total_limit_days", "active", "published"]
    list_filter = ["stage", "lead_department", "active", "published"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead_department"]
    readonly_fields = ["published", "updated_at", "merged_preview"]
    actions = ["publish", "unpublish"]
    list_select_related = ["lead_department"]
    fields = [
        "code",
        "name",
        "stage",
        "lead_department",
        "total_limit_days",
        "description",
        "active",
        "published",
        "updated_at",
        "merged_preview",
    ]

    @admin.display(description=gettext_lazy("Merged form and materials (preview, as saved)"))
    def merged_preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the package to see its merged form and materials.")
        pis = list(
            obj.package_items.select_related("item").prefetch_related("item__form_fields", "item__materials")
        )
        field_pairs = [(pi.item, pi.item.form_fields.all()) for pi in pis]
        problems = form_conflicts(field_pairs)
        fields = [] if problems else merge_form_fields(field_pairs)
        materials = merge_materials((pi.item, pi.item.materials.all()) for pi in pis)
        problems += material_conflicts(materials)
        return render_to_string(
            "approvals/admin/merged_preview.html",
            {"fields": fields, "materials": materials, "problems": problems},
        )


# -- agents, pledges, area assessments ------------------------------------------------------------------


@admin.register(AgentGrant)
class AgentGrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Grants are given and revoked by applicants on their pages; the admin only looks."""

    list_display = [
        "applicant",
        "agent",
        "may_prepare",
        "may_withdraw",
        "valid_from",
        "valid_until",
        "revoked_at",
    ]
    list_filter = ["may_prepare", "may_withdraw"]
    search_fields = ["applicant__username", "applicant__full_name", "agent__username", "agent__full_name"]
    list_select_related = ["applicant", "agent"]


@admin.register(PledgeVerification)
class PledgeVerificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "department", "outcome", "verified_on", "verified_by"]
    list_filter = ["outcome"]
    search_fields = ["application__number"]
    list_select_related = ["application", "department", "verified_by"]


class LiftCreditRecordForm(admin.helpers.ActionForm):
    lifted_reason = forms.CharField(label=gettext_lazy("Reason for lifting"), max_length=200, required=False)


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Written by the pledge verification; an administrator may lift one (action), never edit it."""

    list_display = ["subject", "kind", "application", "recorded_on", "barred_until", "lifted_on"]
    list_filter = ["kind"]
    search_fields = ["subject__username", "subject__full_name", "application__number"]
    list_select_related = ["subject", "application"]
    actions = ["lift"]
    action_form = LiftCreditRecordForm

    @admin.action(description=gettext_lazy("Lift the selected credit records"))
    def lift(self, request, queryset):
        reason = (request.POST.get("lifted_reason") or "").strip()
        lifted = 0
        for record in queryset:
            try:
                services.credit_record_lift(actor=request.user, record=record, reason=reason)
            except (DomainError, PermissionDenied) as error:
                self.message_user(request, f"{record}: {getattr(error, 'message', error)}", messages.ERROR)
            else:
                lifted += 1
        if lifted:
            self.message_user(request, _("%(n)d credit records lifted.") % {"n": lifted}, messages.SUCCESS)


class AreaAssessmentInline(admin.TabularInline):
    model = AreaAssessment
    extra = 0
    fields = [
        "kind",
        "title",
        "document_number",
        "approved_by",
        "document",
        "valid_from",
        "valid_until",
        "withdrawn_on",
    ]
    autocomplete_fields = ["approved_by"]


@admin.register(AssessedArea)
class AssessedAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "managed_by"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["managed_by"]
    inlines = [AreaAssessmentInline]
