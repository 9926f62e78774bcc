"""Progress-report attachments: the shared checks of portal.uploads with this app's limits."""

from portal.uploads import check_attachment

from . import conf


def check_file(upload) -> tuple[str, str, int, str]:
    """(safe name, content type, size, sha256) of an acceptable upload; else DomainError(field="files")."""
    return check_attachment(
        upload, allowed=conf.ATTACHMENT_TYPES, max_mb=conf.ATTACHMENT_MAX_MB, field="files"
    )
