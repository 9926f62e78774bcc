"""OpenAPI helpers for the approvals API.

`EnumField` is a choice field whose choice set becomes one named schema component (e.g.
`ApplicationStatusEnum`), referenced wherever it is used. Without it drf-spectacular names enums
after the field ("status", "from_status" ...) and warns when one name covers several choice sets
or one choice set gets several names.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from rest_framework import serializers


class EnumField(serializers.ChoiceField):
    def __init__(self, choices_class, *, component: str, **kwargs):
        self.choices_class = choices_class
        self.component = component
        super().__init__(choices=choices_class.choices, **kwargs)


class EnumFieldExtension(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        values = [value for value, _label in field.choices_class.choices]
        component = ResolvedComponent(
            name=field.component,
            type=ResolvedComponent.SCHEMA,
            object=field.component,
            schema={
                "enum": values,
                "type": "string",
                "description": build_choice_description_list(field.choices.items()),
            },
        )
        auto_schema.registry.register_on_missing(component)
        if field.allow_blank:
            return {"oneOf": [component.ref, {"type": "string", "enum": [""]}]}
        if field.allow_null:
            return {"allOf": [component.ref], "nullable": True}
        return component.ref
