from rest_framework import serializers

from ..models import Matter, Milestone


class UnitRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MilestoneOutput(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "weight", "due_date", "due_days", "done", "done_at"]


class MatterListOutput(serializers.ModelSerializer):
    lead_unit = UnitRefOutput()
    raised_by = UnitRefOutput()
    cooperating_units = UnitRefOutput(many=True)
    signal = serializers.SerializerMethodField()
    due_date = serializers.SerializerMethodField()
    parent = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Matter
        fields = [
            "id",
            "number",
            "title",
            "status",
            "progress",
            "raised_by",
            "lead_unit",
            "cooperating_units",
            "responsible_leader",
            "parent",
            "limit_days",
            "due_date",
            "signal",
            "completed_on",
        ]

    def get_signal(self, obj) -> str | None:
        return obj.clock.signal if obj.clock_id else None

    def get_due_date(self, obj) -> str | None:
        return obj.clock.due_date.isoformat() if obj.clock_id else None


class MatterDetailOutput(MatterListOutput):
    milestones = MilestoneOutput(many=True)
    description = serializers.CharField()
    children = serializers.SerializerMethodField()

    class Meta(MatterListOutput.Meta):
        fields = [*MatterListOutput.Meta.fields, "description", "milestones", "children"]

    def get_children(self, obj) -> list[int]:
        return [c.pk for c in obj.children.all()]
