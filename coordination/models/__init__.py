from .organisation import (
    FunctionalLine,
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
    Position,
    Role,
    RoleCode,
)

__all__ = [
    "FunctionalLine",
    "LeadingGroupMember",
    "LeadingGroupRole",
    "Nameplate",
    "OrgKind",
    "OrgLevel",
    "OrgUnit",
    "Position",
    "Role",
    "RoleCode",
]
