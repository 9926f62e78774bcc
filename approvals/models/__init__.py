from approvals.rules import Delivery, Handling, Procedure, Stage

from .applications import AcceptanceMode, Application, DepartmentTask, StatusChange
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
    "AcceptanceMode",
    "Application",
    "Delivery",
    "DepartmentTask",
    "FieldKind",
    "FormField",
    "Handling",
    "Item",
    "Material",
    "Package",
    "PackageItem",
    "Procedure",
    "Stage",
    "StatusChange",
    "check_material_set",
    "check_package_limit",
]
