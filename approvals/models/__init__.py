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
from .materials import ApplicationMaterial, MaterialStatus
from .meetings import ReviewMeeting

__all__ = [
    "AcceptanceMode",
    "Application",
    "ApplicationMaterial",
    "Delivery",
    "DepartmentTask",
    "FieldKind",
    "FormField",
    "Handling",
    "Item",
    "Material",
    "MaterialStatus",
    "Package",
    "PackageItem",
    "Procedure",
    "ReviewMeeting",
    "Stage",
    "StatusChange",
    "check_material_set",
    "check_package_limit",
]
