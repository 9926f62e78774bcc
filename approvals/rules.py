"""The legal numbers and closed sets the item catalogue is checked against (DOMAIN.md §2–3).

Every number sits here with its legal basis beside it, never as a bare literal in the code that
uses it. The basis strings are shown to applicants and officials as they are (they are citations
of Chinese law, not user-interface text, so they are not translated).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

LICENSING_LAW = "《中华人民共和国行政许可法》"


class Handling(models.TextChoices):
    """How an item is handled: by one authority, or unified / joint / centralised (统一、联合、集中办理)."""

    SINGLE = "single", _("Single authority")
    JOINT = "joint", _("Unified, joint or centralised handling")


@dataclass(frozen=True)
class HandlingRegime:
    limit_days: int  # the general statutory limit, in working days
    extension_days: int  # the most one extension may add
    extension_approver: str  # a translatable label: who approves an extension
    legal_basis: str


# [law] 行政许可法 art. 42: 20 days + 10 approved by the head of the authority; unified, joint or
# centralised handling 45 days + 15 approved by the head of the same-level government.
HANDLING_REGIMES: dict[str, HandlingRegime] = {
    Handling.SINGLE: HandlingRegime(
        limit_days=20,
        extension_days=10,
        extension_approver=_("the head of the authority"),
        legal_basis=LICENSING_LAW + "第四十二条第一款",
    ),
    Handling.JOINT: HandlingRegime(
        limit_days=45,
        extension_days=15,
        extension_approver=_("the head of the government at the same level"),
        legal_basis=LICENSING_LAW + "第四十二条第二款",
    ),
}

# [law] 行政许可法 art. 32: an incomplete application is told everything to correct at once, on the
# spot or within 5 days, else it counts as accepted on the day it was received.
COMPLETENESS_CHECK_DAYS = 5
COMPLETENESS_CHECK_BASIS = LICENSING_LAW + "第三十二条"

# [law] 行政许可法 art. 44: the certificate is issued or delivered within 10 days of the decision.
CERTIFICATE_ISSUE_DAYS = 10
CERTIFICATE_ISSUE_BASIS = LICENSING_LAW + "第四十四条"

# [law] 国办发〔2019〕11号: all four stages of a construction project within 120 working days.
CONSTRUCTION_TARGET_DAYS = 120
CONSTRUCTION_TARGET_BASIS = (
    "《国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见》（国办发〔2019〕11号）"
)


class Procedure(models.TextChoices):
    """Special procedures that stop an item's clock. Which ones an item allows is its own setting."""

    HEARING = "hearing", _("Hearing")
    TENDER = "tender", _("Tender")
    AUCTION = "auction", _("Auction")
    INSPECTION = "inspection", _("Inspection, testing or quarantine")
    APPRAISAL = "appraisal", _("Appraisal")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    SITE_SURVEY = "site_survey", _("Site survey")
    PUBLICITY = "publicity", _("Public notice period")
    APPLICANT_CORRECTION = "applicant_correction", _("Correction by the applicant after acceptance")


# [law] art. 45 for the six statutory procedures; the rest are [local] extras a city may allow.
PROCEDURE_BASIS: dict[str, str] = {
    Procedure.HEARING: LICENSING_LAW + "第四十五条",
    Procedure.TENDER: LICENSING_LAW + "第四十五条",
    Procedure.AUCTION: LICENSING_LAW + "第四十五条",
    Procedure.INSPECTION: LICENSING_LAW + "第四十五条",
    Procedure.APPRAISAL: LICENSING_LAW + "第四十五条",
    Procedure.EXPERT_REVIEW: LICENSING_LAW + "第四十五条",
    Procedure.SITE_SURVEY: "地方规定（本市政务服务事项实施规范）",
    Procedure.PUBLICITY: "地方规定（本市政务服务事项实施规范）",
    Procedure.APPLICANT_CORRECTION: "地方规定（本市政务服务事项实施规范）",
}
STATUTORY_PROCEDURES = frozenset(
    {
        Procedure.HEARING,
        Procedure.TENDER,
        Procedure.AUCTION,
        Procedure.INSPECTION,
        Procedure.APPRAISAL,
        Procedure.EXPERT_REVIEW,
    }
)


class Delivery(models.TextChoices):
    PICKUP = "pickup", _("Pick up at the service hall")
    EXPRESS = "express", _("Express delivery")


class Stage(models.IntegerChoices):
    """The four stages of a construction project (国办发〔2019〕11号)."""

    LAND_PLANNING = 1, _("Project approval and land-use planning permit")
    WORKS_PLANNING = 2, _("Construction works planning permit")
    CONSTRUCTION = 3, _("Construction permit")
    COMPLETION = 4, _("Completion acceptance")


# Uploads: file types an item may accept for a material, and the ceiling on their size.
UPLOAD_TYPES = ("pdf", "jpg", "jpeg", "png", "ofd", "doc", "docx", "xls", "xlsx")
UPLOAD_MAX_MB = 50
TEMPLATE_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "ofd")
TEMPLATE_MAX_MB = 10


class AssessmentKind(models.TextChoices):
    """The studies a regional assessment replaces (国办发〔2019〕11号)."""

    ENVIRONMENT = "environment", _("Environmental impact (环境影响评价)")
    ENERGY = "energy", _("Energy saving (节能评价)")
    SEISMIC = "seismic", _("Seismic safety (地震安全性评价)")
    GEOLOGICAL = "geological", _("Geological hazards (地质灾害危险性评估)")
    MINERAL = "mineral", _("Overlying mineral resources (压覆矿产资源评估)")
    FLOOD = "flood", _("Flood impact (洪水影响评价)")
    WATER_SOIL = "water_soil", _("Soil and water conservation (水土保持)")
    CULTURAL_RELICS = "cultural_relics", _("Cultural relics (文物考古调查)")
