from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from portal.admin_mixins import PiiAdminMixin
from portal.models import User
from portal.pii_forms import PiiFormMixin

admin.site.site_header = _("Smart-city portal administration")
admin.site.site_title = _("Smart-city portal")
admin.site.index_title = _("Administration")


class PiiUserChangeForm(PiiFormMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(PiiAdminMixin, BaseUserAdmin):
    # ID number and phone: masked, never prefilled; found by exact value (blind index).
    form = PiiUserChangeForm
    pii_search_fields = ("phone", "id_number")
    list_display = ["username", "full_name", "kind", "email", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "kind", "email", "phone", "id_number", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    actions = ["reset_two_factor", "lift_lockout"]

    @admin.action(description=_("Reset two-factor devices (the user enrols again at next login)"))
    def reset_two_factor(self, request, queryset):
        from portal.security.services import two_factor_reset

        for user in queryset:
            two_factor_reset(actor=request.user, user=user)
        self.message_user(request, _("Two-factor devices reset."), messages.SUCCESS)

    @admin.action(description=_("Lift the login lock-out"))
    def lift_lockout(self, request, queryset):
        from portal.security.services import lockout_lift

        for user in queryset:
            lockout_lift(actor=request.user, user=user)
        self.message_user(request, _("Login lock-out lifted."), messages.SUCCESS)

    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "kind", "password1", "password2"]}),
    ]
