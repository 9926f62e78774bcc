"""Settings of public consultations, with their defaults (read once, like approvals/conf.py)."""

from django.conf import settings

# Minimum comment period in calendar days, counting the opening and the closing day.
# Legal basis: 《重大行政决策程序暂行条例》(State Council Order 713, 2019) art. 14 — the period for
# public comment on a major administrative decision is "generally not less than 30 days"
# (征求意见期限一般不少于30日). A shorter period is allowed only with a recorded reason.
MIN_DAYS = int(getattr(settings, "CONSULTATION_MIN_DAYS", 30))
# Prefix of consultation numbers; the year is appended (YJ2026-000001).
NUMBER_PREFIX = str(getattr(settings, "CONSULTATION_NUMBER_PREFIX", "YJ"))
# Uploads (consultation documents and comment attachments).
UPLOAD_MAX_MB = int(getattr(settings, "CONSULTATION_UPLOAD_MAX_MB", 20))
UPLOAD_TYPES = tuple(
    getattr(
        settings,
        "CONSULTATION_UPLOAD_TYPES",
        ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"),
    )
)
# Rows per page on the lists.
PAGE_SIZE = int(getattr(settings, "CONSULTATION_PAGE_SIZE", 30))
# Longest comment accepted, in characters.
COMMENT_MAX_LENGTH = int(getattr(settings, "CONSULTATION_COMMENT_MAX_LENGTH", 5000))
