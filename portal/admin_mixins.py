"""Shared pieces for Django admin classes."""


class ReadOnlyAdminMixin:
    """For rows written by services only: the admin lists and shows them, never adds, changes or
    deletes them (not even for superusers). Works on ModelAdmin and on inlines."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
