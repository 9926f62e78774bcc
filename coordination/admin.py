"""Django admin for the organisation chart.

The tree is edited by drag and drop (django-treebeard's TreeAdmin); every structural change and
every save goes through coordination.services, so admin writes follow the same rules (and, with
the platform audit trail, leave the same trace) as API writes.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from treebeard.admin import TreeAdmin
from treebeard.forms import MoveNodeForm, movenodeform_factory

from coordination import services
from coordination.models import (
    FunctionalLine,
    LeadingGroupMember,
    Nameplate,
    OrgKind,
    OrgUnit,
    Position,
    Role,
)
from portal.admin_mixins import ReadOnlyAdminMixin
from portal.errors import DomainError


class OrgUnitForm(MoveNodeForm):
    """Treebeard's move form, saving through the services instead of the model directly."""

    actor = None  # set per request by OrgUnitAdmin.get_form

    def save(self, commit=True):
        reference = self.cleaned_data.pop("treebeard_ref_node", None)
        position = self.cleaned_data.pop("treebeard_position")
        data = {name: self.cleaned_data[name] for name in services.UNIT_FIELDS if name in self.cleaned_data}
        moved = bool({"treebeard_ref_node", "treebeard_position"} & set(self.changed_data))
        try:
            if self.instance._state.adding:
                # Created straight under its future parent, so its first audit event says where;
                # then placed among its siblings.
                parent = None
                if reference is not None:
                    parent = reference if position == "first-child" else OrgUnit.objects.get_parent(reference)
                unit = services.org_unit_create(actor=self.actor, parent=parent, data=data)
                if reference is not None:
                    unit = services.org_unit_move(
                        actor=self.actor, unit=unit, target=reference, position=position
                    )
            else:
                unit = services.org_unit_update(actor=self.actor, unit=self.instance, data=data)
                if moved:
                    unit = services.org_unit_move(
                        actor=self.actor, unit=unit, target=reference, position=position
                    )
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        self.instance = unit
        return unit

    def save_m2m(self):
        """No many-to-many fields on a unit; the admin calls this after save()."""


class NameplateFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        primaries = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("is_primary")
        ]
        if len(primaries) > 1:
            raise ValidationError(_("Only one nameplate can be the primary one."))


class NameplateInline(admin.TabularInline):
    model = Nameplate
    formset = NameplateFormSet
    extra = 0
    fields = ["name", "short_name", "is_primary", "valid_from", "valid_until"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["user", "title", "roles", "active", "start_date", "end_date"]
    autocomplete_fields = ["user"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "roles":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class LeadingGroupMemberInline(admin.TabularInline):
    model = LeadingGroupMember
    fk_name = "group"
    extra = 0
    fields = ["sort_order", "role", "person_name", "title", "represents", "user"]
    autocomplete_fields = ["represents", "user"]


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit, form=OrgUnitForm, exclude=["path", "depth", "numchild"])
    change_list_template = "admin/coordination/orgunit/change_list.html"
    list_display = ["name", "code", "kind", "level", "line", "division_code", "active"]
    list_filter = ["kind", "level", "line", "active"]
    search_fields = ["name", "code", "division_code", "uscc", "nameplates__name"]
    autocomplete_fields = ["line_superior"]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "level", "active"]}),
        (gettext_lazy("Codes"), {"fields": ["division_code", "uscc"]}),
        (gettext_lazy("Functional line (条)"), {"fields": ["line", "line_superior"]}),
        (gettext_lazy("Place in the tree (块)"), {"fields": ["treebeard_position", "treebeard_ref_node"]}),
        (None, {"fields": ["description"]}),
    ]

    def get_inlines(self, request, obj):
        inlines = [NameplateInline, PositionInline]
        if obj is not None and obj.kind == OrgKind.LEADING_GROUP:
            inlines.append(LeadingGroupMemberInline)
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def save_model(self, request, obj, form, change):
        """Nothing left to write: the form's save() already saved the unit through the services
        (the admin's default here would be a plain obj.save(), a write outside them)."""

    def save_related(self, request, form, formsets, change):
        # The inline formsets validate and save nameplates, positions and leading-group seats;
        # the service runs them and records what changed (and keeps the name in step).
        services.org_unit_related_save(
            actor=request.user,
            units=[form.instance],
            save=lambda: super(OrgUnitAdmin, self).save_related(request, form, formsets, change),
        )

    # -- deletion: refuse with the reasons instead of cascading ----------------------------------
    def delete_view(self, request, object_id, extra_context=None):
        unit = self.get_object(request, object_id)
        if unit is not None and (reasons := services.deletion_blockers(unit)):
            self.message_user(
                request,
                _("%(unit)s cannot be deleted: %(reasons)s.")
                % {"unit": unit.name, "reasons": _("; ").join(reasons)},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:coordination_orgunit_change", args=[unit.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.org_unit_delete(actor=request.user, unit=obj)

    def delete_queryset(self, request, queryset):
        refused = []
        for unit in queryset.order_by("-depth"):
            try:
                services.org_unit_delete(actor=request.user, unit=unit)
            except DomainError as exc:
                refused.append(exc.message)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    # -- drag and drop: through the service -------------------------------------------------------
    def move_node(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            node = OrgUnit.objects.get(pk=request.POST.get("node"))
            target = OrgUnit.objects.get(pk=request.POST.get("target"))
        except (OrgUnit.DoesNotExist, ValueError):
            messages.error(request, _("Invalid form data provided"))
            return HttpResponseBadRequest("Invalid form data provided")
        relation = request.POST.get("relation")
        if relation not in ("child", "sibling"):
            return HttpResponseBadRequest("Invalid form data provided")
        try:
            with transaction.atomic():
                services.org_unit_move(
                    actor=request.user,
                    unit=node,
                    target=target,
                    position="last-child" if relation == "child" else "left",
                )
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseBadRequest("Move refused")
        messages.info(
            request,
            _("Moved %(node)s next to %(other)s.") % {"node": node, "other": target}
            if relation == "sibling"
            else _("Moved %(node)s under %(other)s.") % {"node": node, "other": target},
        )
        return HttpResponse("OK")

    # -- spreadsheet import and export ------------------------------------------------------------
    def import_view(self, request):
        from coordination import admin_views

        return admin_views.import_view(request, self)

    def export_view(self, request):
        from coordination import admin_views

        return admin_views.export_view(request, self)

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(self.import_view), name="coordination_orgunit_import"),
            path("export/", self.admin_site.admin_view(self.export_view), name="coordination_orgunit_export"),
        ]
        return urls + super().get_urls()


@admin.register(FunctionalLine)
class FunctionalLineAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    search_fields = ["name", "code"]


class UnitPartAdmin(admin.ModelAdmin):
    """Admin for things that belong to a unit (positions, leading-group seats): every save and
    delete goes through services.org_unit_related_save, so the unit's history shows it."""

    unit_field = "unit"

    def _units(self, objs) -> list[OrgUnit]:
        """The units the objects belong to now and, for stored objects, belonged to before."""
        pks = {getattr(obj, f"{self.unit_field}_id") for obj in objs}
        stored = [obj.pk for obj in objs if obj.pk is not None]
        if stored:
            previous = self.model.objects.filter(pk__in=stored).values_list(
                f"{self.unit_field}_id", flat=True
            )
            pks.update(previous)
        return list(OrgUnit.objects.filter(pk__in=pks - {None}))

    def save_model(self, request, obj, form, change):
        def save():
            obj.save()
            form.save_m2m()

        services.org_unit_related_save(actor=request.user, units=self._units([obj]), save=save)

    def save_related(self, request, form, formsets, change):
        """The many-to-many fields were saved by save_model, inside the audited change."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.org_unit_related_save(actor=request.user, units=self._units([obj]), save=obj.delete)

    def delete_queryset(self, request, queryset):
        services.org_unit_related_save(
            actor=request.user, units=self._units(list(queryset)), save=queryset.delete
        )


@admin.register(Position)
class PositionAdmin(UnitPartAdmin):
    list_display = ["user", "unit", "title", "active"]
    list_filter = ["active", "roles"]
    search_fields = ["user__username", "user__full_name", "unit__name", "title"]
    autocomplete_fields = ["user", "unit"]
    filter_horizontal = ["roles"]
    list_select_related = ["user", "unit"]


@admin.register(LeadingGroupMember)
class LeadingGroupMemberAdmin(UnitPartAdmin):
    unit_field = "group"
    list_display = ["person_name", "role", "title", "group", "represents"]
    list_filter = ["role", "group"]
    search_fields = ["person_name", "title", "represents__name"]
    autocomplete_fields = ["group", "represents", "user"]
    list_select_related = ["group", "represents"]


@admin.register(Role)
class RoleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Roles are fixed by the code (they drive permissions); admins assign them to positions."""

    list_display = ["code", "__str__"]
