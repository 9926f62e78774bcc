from approvals.rules import AssessmentKind, Delivery, Handling, Procedure, Stage

from .applications import AcceptanceMode, Application, DepartmentTask, StatusChange
from .assistance import (
    AgentGrant,
    AreaAssessment,
    AssessedArea,
    CreditRecord,
    PledgeVerification,
    VerificationOutcome,
)
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
    "AgentGrant",
    "Application",
    "ApplicationMaterial",
    "AreaAssessment",
    "AssessedArea",
    "AssessmentKind",
    "CreditRecord",
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
    "PledgeVerification",
    "Procedure",
    "ReviewMeeting",
    "Stage",
    "StatusChange",
    "VerificationOutcome",
    "check_material_set",
    "check_package_limit",
]
