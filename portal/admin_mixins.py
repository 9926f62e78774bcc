"""Shared pieces for Django admin classes."""

from django.db.models import Q
from django.utils.text import capfirst

from portal import pii
from portal.pii_forms import PiiFormField, PiiModelForm


class ReadOnlyAdminMixin:
    """For rows written by services only: the admin lists and shows them, never adds, changes or
    deletes them (not even for superusers). Works on ModelAdmin and on inlines."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def masked_column(field_name: str, description):
    """A list/read-only admin column showing an encrypted field masked."""

    def column(obj):
        return pii.masked_value(obj, field_name)

    column.short_description = description
    column.__name__ = f"{field_name}_masked"
    return column


class PiiAdminMixin:
    """Admin for models with encrypted personal data (portal/pii.py): masked everywhere; editable
    through an input that never shows the stored value; search by exact value via the blind
    index of `pii_search_fields`."""

    form = PiiModelForm
    pii_search_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, pii.EncryptedCharField):
            return PiiFormField(label=capfirst(db_field.verbose_name), max_length=db_field.max_length)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        result, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = (search_term or "").strip()
        if term and self.pii_search_fields:
            matches = Q()
            for name in self.pii_search_fields:
                index = next(f for f in pii.blind_index_fields(queryset.model) if f.source == name)
                matches |= Q(**{index.name: index.compute(queryset.model(**{name: term}))})
            result |= queryset.filter(matches)
        return result, may_have_duplicates
