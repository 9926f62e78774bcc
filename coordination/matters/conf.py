"""Settings of coordination matters, with their defaults (read with getattr, see approvals/conf.py)."""

from django.conf import settings

# Human numbers: DB2026-000123 style prefixes, followed by the year.
MATTER_PREFIX = getattr(settings, "MATTER_NUMBER_PREFIX", "DBSX")
MEETING_PREFIX = getattr(settings, "MEETING_NUMBER_PREFIX", "HY")
# Longest time limit an office may give a matter (working days).
MATTER_MAX_LIMIT_DAYS = int(getattr(settings, "MATTER_MAX_LIMIT_DAYS", 250))
# Attachments of progress reports.
ATTACHMENT_MAX_MB = int(getattr(settings, "MATTER_ATTACHMENT_MAX_MB", 10))
ATTACHMENT_TYPES = tuple(
    getattr(settings, "MATTER_ATTACHMENT_TYPES", ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "doc", "xls"))
)
ATTACHMENTS_PER_REPORT = 5
CLOCK_PURPOSE = "matter"
