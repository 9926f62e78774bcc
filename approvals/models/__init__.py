from approvals.rules import Delivery, Handling, Procedure, Stage

from .catalogue import (
    FieldKind,
    FormField,
    Item,
    Material,
    Package,
    PackageItem,
    check_material_set,
    check_package_limit,
)

__all__ = [
    "Delivery",
    "FieldKind",
    "FormField",
    "Handling",
    "Item",
    "Material",
    "Package",
    "PackageItem",
    "Procedure",
    "Stage",
    "check_material_set",
    "check_package_limit",
]
