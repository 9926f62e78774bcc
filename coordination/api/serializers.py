"""API serializers: output and input separate (DESIGN.md §3)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coordination.models import (
    FunctionalLine,
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
)


class NameplateOutput(serializers.ModelSerializer):
    class Meta:
        model = Nameplate
        fields = ["name", "short_name", "is_primary", "valid_from", "valid_until"]


class OrgUnitOutput(serializers.ModelSerializer):
    line = serializers.SlugRelatedField(slug_field="code", read_only=True)
    line_superior = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.CharField(
        source="parent_code",
        read_only=True,
        allow_null=True,
        help_text=_("Code of the territorial parent; null for a root."),
    )
    nameplates = NameplateOutput(many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = [
            "code",
            "name",
            "kind",
            "kind_display",
            "level",
            "level_display",
            "depth",
            "parent",
            "division_code",
            "uscc",
            "line",
            "line_superior",
            "active",
            "description",
            "nameplates",
            "updated_at",
        ]


class OrgUnitInput(serializers.Serializer):
    """Fields an admin may write. Model validation (USCC, division code, line rules) runs in the
    service; its messages come back as 400s keyed by field."""

    code = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrgKind.choices)
    level = serializers.ChoiceField(choices=OrgLevel.choices, required=False, allow_null=True)
    division_code = serializers.CharField(max_length=6, required=False, allow_blank=True)
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True)
    line = serializers.SlugRelatedField(
        slug_field="code", queryset=FunctionalLine.objects.all(), required=False, allow_null=True
    )
    line_superior = serializers.SlugRelatedField(
        slug_field="code", queryset=OrgUnit.objects.all(), required=False, allow_null=True
    )
    parent = serializers.SlugRelatedField(
        slug_field="code",
        queryset=OrgUnit.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code of the parent unit; omit for a root."),
    )
    active = serializers.BooleanField(required=False, default=True)
    description = serializers.CharField(required=False, allow_blank=True)


class OrgUnitUpdateInput(OrgUnitInput):
    code = serializers.SlugField(max_length=64, required=False)
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=OrgKind.choices, required=False)
    active = serializers.BooleanField(required=False)


class LeadingGroupMemberOutput(serializers.ModelSerializer):
    represents = serializers.SlugRelatedField(slug_field="code", read_only=True)
    represents_name = serializers.CharField(source="represents.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = LeadingGroupMember
        fields = ["role", "role_display", "person_name", "title", "represents", "represents_name"]


class LeadingGroupOutput(serializers.ModelSerializer):
    members = LeadingGroupMemberOutput(source="group_members", many=True, read_only=True)
    co_leaders = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "level", "active", "members", "co_leaders"]

    def get_co_leaders(self, obj) -> list[str]:
        return [m.person_name for m in obj.group_members.all() if m.role == LeadingGroupRole.CO_LEADER]
