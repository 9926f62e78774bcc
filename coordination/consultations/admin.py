"""Read-only admin views of consultations: every change goes through the services (views)."""

from django.contrib import admin

from .models import Comment, Consultation, ConsultationDocument


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "subject_kind", "owner_unit", "opens_on", "closes_on", "status"]
    list_filter = ["status", "subject_kind"]
    search_fields = ["number", "title"]


@admin.register(ConsultationDocument)
class ConsultationDocumentAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "title", "original_name", "size", "uploaded_at"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["consultation", "author", "stakeholder", "status", "outcome", "created_at"]
    list_filter = ["status", "stakeholder", "outcome"]
