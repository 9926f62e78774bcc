"""Settings of electronic supervision, with their defaults (read once, like portal.clocks.conf)."""

from django.conf import settings

# Working days a department has to act on a supervision notice (督办单) before it is escalated.
NOTICE_DAYS = int(getattr(settings, "SUPERVISION_NOTICE_DAYS", 3))
# Prefix of notice numbers; the year is appended (DB2026-000001).
NOTICE_PREFIX = str(getattr(settings, "SUPERVISION_NOTICE_PREFIX", "DB"))
# Rows per page on the dashboard and the notice lists.
PAGE_SIZE = int(getattr(settings, "SUPERVISION_PAGE_SIZE", 50))
