"""Checks on uploaded report attachments: size, extension and the content's magic number.

(The approvals app has the same rules for application materials; coordination may not import
approvals, so the few lines live here. They belong in portal/ when a third app needs them.)
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from portal.errors import DomainError

from . import conf

MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
)
TYPES = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "docx": ("zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
}


def safe_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "")
    name = PurePosixPath(name.replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*')
    name = " ".join(name.split()).strip(". ")[-150:]
    return name or "file"


def check_file(upload) -> tuple[str, str, int, str]:
    """(safe name, content type, size, sha256) of an acceptable upload; else DomainError(field="files")."""
    name = safe_name(getattr(upload, "name", ""))
    size = upload.size or 0
    if size == 0:
        raise DomainError(_("The file “%(name)s” is empty.") % {"name": name}, field="files")
    if size > conf.ATTACHMENT_MAX_MB * 1024 * 1024:
        raise DomainError(
            _("The file “%(name)s” is larger than %(max)d MB.")
            % {"name": name, "max": conf.ATTACHMENT_MAX_MB},
            field="files",
        )
    _stem, dot, ext = name.rpartition(".")
    ext = ext.lower() if dot else ""
    if ext not in conf.ATTACHMENT_TYPES or ext not in TYPES:
        raise DomainError(
            _("Files of this type are not accepted here. Accepted: %(types)s.")
            % {"types": ", ".join(conf.ATTACHMENT_TYPES)},
            field="files",
        )
    upload.seek(0)
    head = upload.read(16)
    family, content_type = TYPES[ext]
    if not any(head.startswith(magic) and fam == family for magic, fam in MAGIC):
        raise DomainError(
            _("The content of “%(name)s” is not a real %(type)s file.") % {"name": name, "type": ext.upper()},
            field="files",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, content_type, size, digest.hexdigest()
