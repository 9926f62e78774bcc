"""Every write of the approvals app: one function per use case (DESIGN.md §4.1)."""

from .applicant import (
    application_save_draft,
    application_submit_complete,
    material_pledge,
    material_remove,
    material_supply,
    material_upload,
    materials_check,
)
from .applications import (
    application_accept,
    application_create,
    application_decide,
    application_not_accept,
    application_request_correction,
    application_submit,
    application_supplement_received,
    application_withdraw,
    task_claim,
    task_decide,
    task_extension_decide,
    task_request_extension,
    task_resume,
    task_suspend,
)
from .assistance import (
    agent_grant_create,
    agent_grant_revoke,
    application_set_area,
    credit_record_lift,
    pledge_verification_decide,
)
from .catalogue import catalogue_item_publish, catalogue_package_publish
from .meetings import review_meeting_record

__all__ = [
    "agent_grant_create",
    "agent_grant_revoke",
    "application_accept",
    "application_create",
    "application_decide",
    "application_not_accept",
    "application_request_correction",
    "application_save_draft",
    "application_set_area",
    "application_submit",
    "application_submit_complete",
    "application_supplement_received",
    "application_withdraw",
    "catalogue_item_publish",
    "catalogue_package_publish",
    "credit_record_lift",
    "material_pledge",
    "material_remove",
    "material_supply",
    "material_upload",
    "materials_check",
    "pledge_verification_decide",
    "review_meeting_record",
    "task_claim",
    "task_decide",
    "task_extension_decide",
    "task_request_extension",
    "task_resume",
    "task_suspend",
]
