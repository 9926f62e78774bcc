"""Django admin for the working-day calendar.

Admins enter a year from the State Council notice as inline rows (one per weekday off and per
weekend working day), then confirm it with the notice's reference (an action on the list, or the
"Confirm" button on the year). Every save, deletion, confirmation and reopening goes through
portal.workcal.services, so it is validated and audited and `calendar_changed` is sent after commit.
A confirmed year is read-only; "Reopen" makes it provisional again for a correction.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import DomainError
from portal.workcal import services
from portal.workcal.models import CalendarDay, CalendarYear, YearStatus


class ConfirmForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Reference of the State Council notice"),
        max_length=CalendarYear._meta.get_field("reference").max_length,
        help_text=gettext_lazy("The document number, e.g. 国办发明电〔2025〕7号."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why the year must be corrected, e.g. the number of a new notice."),
    )


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "name", "reference", "note"]
        widgets = {"note": forms.TextInput(attrs={"size": 30})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("DELETE") or not self.has_changed():
            return cleaned
        day = cleaned.get("date")
        year = getattr(self.instance, "year_id", None) or getattr(self, "parent_year", None)
        if day is not None and year is not None and day.year != year:
            self.add_error("date", _("This date is not in %(year)s.") % {"year": year})
            return cleaned
        if day is not None and not self.errors:
            try:
                services.check_day(
                    day=day,
                    is_workday=cleaned.get("is_workday", False),
                    name=cleaned.get("name", ""),
                    reference=cleaned.get("reference", ""),
                )
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return cleaned


class CalendarDayFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.parent_year = getattr(self.instance, "year", None)
        return form


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    form = CalendarDayForm
    formset = CalendarDayFormSet
    extra = 0
    fields = ["date", "weekday", "is_workday", "name", "reference", "note"]
    readonly_fields = ["weekday"]
    ordering = ["date"]

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, obj):
        return formats.date_format(obj.date, "l") if obj and obj.date else ""

    # Days are part of their year: the year's permissions decide, and a confirmed year is locked.
    def _can_edit(self, request, obj):
        if obj is not None and obj.is_confirmed:
            return False
        return request.user.has_perm(services.PERM_EDIT)

    def has_add_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._can_edit(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("workcal.view_calendaryear") or request.user.has_perm(services.PERM_EDIT)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    change_form_template = "workcal/admin/calendaryear_change_form.html"
    list_display = [
        "year",
        "status_badge",
        "reference",
        "confirmed_by",
        "confirmed_at",
        "holiday_count",
        "makeup_count",
        "updated_at",
    ]
    list_filter = ["status"]
    search_fields = ["year", "reference", "source"]
    list_select_related = ["confirmed_by"]
    inlines = [CalendarDayInline]
    actions = ["confirm_years"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _holidays=Count("days", filter=Q(days__is_workday=False)),
                _makeups=Count("days", filter=Q(days__is_workday=True)),
            )
        )

    # -- columns ----------------------------------------------------------------------------------
    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        if obj.is_confirmed:
            return format_html(
                '<span style="color:#1a7f37;font-weight:600;white-space:nowrap">✔ {}</span>',
                obj.get_status_display(),
            )
        return format_html(
            '<span style="color:#b35900;font-weight:600;white-space:nowrap">⚠ {}</span>',
            obj.get_status_display(),
        )

    @admin.display(description=gettext_lazy("weekdays off"), ordering="_holidays")
    def holiday_count(self, obj):
        return obj._holidays

    @admin.display(description=gettext_lazy("make-up working days"), ordering="_makeups")
    def makeup_count(self, obj):
        return obj._makeups

    # -- form ---------------------------------------------------------------------------------------
    def get_fields(self, request, obj=None):
        if obj is None:
            return ["year", "source", "note"]
        return ["year", "status", "reference", "confirmed_by", "confirmed_at", "source", "note", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["year", "status", "reference", "confirmed_by", "confirmed_at", "updated_at"]
        if obj.is_confirmed:
            readonly += ["source", "note"]
        return readonly

    def has_confirm_permission(self, request):
        return request.user.has_perm(services.PERM_CONFIRM)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_confirmed:
            return False
        return super().has_delete_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            {
                "can_confirm": obj is not None
                and not obj.is_confirmed
                and self.has_confirm_permission(request),
                "can_reopen": obj is not None and obj.is_confirmed and self.has_confirm_permission(request),
                "calendar_url": self._calendar_url(obj),
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _calendar_url(obj) -> str:
        """The officials' page for the year ("" while the calendar's URLs are not included)."""
        if obj is None:
            return ""
        try:
            return reverse("workcal:year", args=[obj.year])
        except NoReverseMatch:
            return ""

    # -- writes go through the services ------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            row = services.calendar_year_update(
                actor=request.user,
                year=obj.year,
                source=data.get("source", obj.source),
                note=data.get("note", obj.note),
            )
        else:
            row = services.calendar_year_create(
                actor=request.user,
                year=data["year"],
                source=data.get("source", ""),
                note=data.get("note", ""),
            )
        # The inline formsets hold `obj` as their parent: make it the saved row.
        obj.pk, obj._state.adding, obj._state.db = row.pk, False, row._state.db
        for field in CalendarYear._meta.concrete_fields:
            setattr(obj, field.attname, getattr(row, field.attname))

    def save_formset(self, request, form, formset, change):
        if formset.model is not CalendarDay:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        deleted = [f for f in formset.deleted_forms if f.instance.pk]
        changed = [
            f
            for f in formset.forms
            if f not in formset.deleted_forms and f.has_changed() and f.cleaned_data.get("date")
        ]
        # Clear first (deleted rows, and the old date of a row whose date changed), then set.
        for f in deleted:
            services.calendar_day_clear(actor=request.user, day=f.initial["date"])
            formset.deleted_objects.append(f.instance)
        for f in changed:
            old = f.initial.get("date") if f.instance.pk else None
            if old and old != f.cleaned_data["date"]:
                services.calendar_day_clear(actor=request.user, day=old)
        for f in changed:
            data = f.cleaned_data
            day = services.calendar_day_set(
                actor=request.user,
                day=data["date"],
                is_workday=data.get("is_workday", False),
                name=data.get("name", ""),
                reference=data.get("reference", ""),
                note=data.get("note", ""),
            )
            if f.instance.pk:
                formset.changed_objects.append((day, f.changed_data))
            else:
                formset.new_objects.append(day)

    def delete_model(self, request, obj):
        services.calendar_year_delete(actor=request.user, year=obj.year)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            try:
                services.calendar_year_delete(actor=request.user, year=row.year)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    # -- confirm and reopen -------------------------------------------------------------------------
    @admin.action(
        description=gettext_lazy("Confirm the selected years from the State Council notice"),
        permissions=["confirm"],
    )
    def confirm_years(self, request, queryset):
        form = ConfirmForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            for row in queryset.order_by("year"):
                self._confirm(request, row.year, form.cleaned_data["reference"])
            return None
        return self._form_page(
            request,
            form,
            title=_("Confirm calendar years"),
            years=queryset.order_by("year"),
            action="confirm_years",
            queryset=queryset,
        )

    def _confirm(self, request, year: int, reference: str) -> bool:
        try:
            services.calendar_year_confirm(actor=request.user, year=year, reference=reference)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return False
        self.message_user(
            request,
            _("%(year)s is confirmed (%(reference)s).") % {"year": year, "reference": reference},
            messages.SUCCESS,
        )
        return True

    def _form_page(self, request, form, *, title, years, action=None, queryset=None, obj=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "years": years,
            "action": action,
            "selected": queryset.values_list("pk", flat=True) if queryset is not None else [],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "original": obj,
        }
        return TemplateResponse(request, "workcal/admin/year_form.html", context)

    def confirm_view(self, request, object_id):
        return self._single_view(request, object_id, reopen=False)

    def reopen_view(self, request, object_id):
        return self._single_view(request, object_id, reopen=True)

    def _single_view(self, request, object_id, *, reopen: bool):
        if not self.has_confirm_permission(request):
            raise PermissionDenied
        row = get_object_or_404(CalendarYear, pk=object_id)
        change_url = reverse("admin:workcal_calendaryear_change", args=[row.pk])
        form_class = ReopenForm if reopen else ConfirmForm
        form = form_class(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            if reopen:
                try:
                    services.calendar_year_reopen(
                        actor=request.user, year=row.year, reason=form.cleaned_data["reason"]
                    )
                except DomainError as exc:
                    self.message_user(request, exc.message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(year)s is provisional again; correct it and confirm it.") % {"year": row.year},
                        messages.WARNING,
                    )
            else:
                self._confirm(request, row.year, form.cleaned_data["reference"])
            return HttpResponseRedirect(change_url)
        title = (_("Reopen %(year)s") if reopen else _("Confirm %(year)s")) % {"year": row.year}
        return self._form_page(request, form, title=title, years=[row], obj=row)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="workcal_calendaryear_confirm",
            ),
            path(
                "<path:object_id>/reopen/",
                self.admin_site.admin_view(self.reopen_view),
                name="workcal_calendaryear_reopen",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # A rule the form could not check beforehand (e.g. another admin confirmed the year
            # meanwhile). The whole save was rolled back with the admin's transaction.
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            provisional = list(
                CalendarYear.objects.filter(status=YearStatus.PROVISIONAL).values_list("year", flat=True)
            )
            if provisional:
                self.message_user(
                    request,
                    _(
                        "Provisional: %(years)s. Deadlines falling in these years are shown as "
                        "provisional until each year is confirmed from the State Council notice."
                    )
                    % {"years": ", ".join(map(str, sorted(provisional)))},
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)
