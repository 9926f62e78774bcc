"""Consultation documents and comment attachments: the shared checks of portal.uploads (size,
extension and first bytes must agree) with this app's limits. Files are served only by the
permission-checked views in views.py, never from MEDIA_URL."""

from portal.uploads import check_attachment

from . import conf


def check_file(uploaded_file, *, field: str = "file") -> tuple[str, str, int, str]:
    """Return (clean original name, content type, size, sha256) or raise DomainError(field)."""
    return check_attachment(uploaded_file, allowed=conf.UPLOAD_TYPES, max_mb=conf.UPLOAD_MAX_MB, field=field)
