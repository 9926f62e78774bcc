"""Upload checks for consultation documents and comment attachments: size, extension and the
file's first bytes must agree (a renamed executable is refused). Files are served only by the
permission-checked views in views.py, never from MEDIA_URL."""

from __future__ import annotations

import hashlib
import os
import unicodedata

from django.utils.translation import gettext as _

from portal.errors import DomainError

from . import conf

MAGIC_NUMBERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),  # docx, xlsx, ofd are ZIP containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # doc, xls
)
EXTENSION_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "docx": ("zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ofd": ("zip", "application/ofd"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
}


def _family(head: bytes) -> str | None:
    for magic, family in MAGIC_NUMBERS:
        if head.startswith(magic):
            return family
    return None


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/"))).strip()
    name = "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')
    return name[:200] or "file"


def check_file(uploaded_file, *, field: str = "file") -> tuple[str, str, int, str]:
    """Return (clean original name, content type, size, sha256) or raise DomainError(field)."""
    if uploaded_file is None:
        raise DomainError(_("Choose a file to upload."), field=field)
    name = _clean_name(getattr(uploaded_file, "name", "") or "")
    size = uploaded_file.size or 0
    if size == 0:
        raise DomainError(_("The file is empty."), field=field)
    limit = conf.UPLOAD_MAX_MB * 1024 * 1024
    if size > limit:
        raise DomainError(
            _("The file is too large; at most %(max)s MB is accepted.") % {"max": conf.UPLOAD_MAX_MB},
            field=field,
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in conf.UPLOAD_TYPES or ext not in EXTENSION_TYPES:
        raise DomainError(
            _("Files of this type are not accepted here. Accepted: %(types)s.")
            % {"types": ", ".join(conf.UPLOAD_TYPES)},
            field=field,
        )
    family, content_type = EXTENSION_TYPES[ext]
    uploaded_file.seek(0)
    if _family(uploaded_file.read(16)) != family:
        raise DomainError(
            _("The content of “%(name)s” is not a %(type)s file.") % {"name": name, "type": ext.upper()},
            field=field,
        )
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return name, content_type, size, digest.hexdigest()
