"""Reads of the approvals app, one module per area: guide (public), applicant, work (officials).

Every read that depends on who is asking takes the user and returns only what that user may see;
an object they may not see answers 404.
"""

from .guide import (
    GuideFilters,
    guide_departments,
    guide_index,
    guide_item_detail,
    guide_item_list,
    guide_items,
    guide_material_with_template,
    guide_package_detail,
    guide_package_list,
    guide_packages,
)

__all__ = [
    "GuideFilters",
    "guide_departments",
    "guide_index",
    "guide_item_detail",
    "guide_item_list",
    "guide_items",
    "guide_material_with_template",
    "guide_package_detail",
    "guide_package_list",
    "guide_packages",
]
