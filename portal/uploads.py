"""Checks shared by every upload path: size first, then the content (not the extension), then
the zip directory of an .xlsx (a zip bomb is refused before openpyxl inflates anything), and a
normalised, safe file name.

The apps call these before reading a workbook or storing a file; each returns a translated
message for the user (or raises UploadRejected, a DomainError with field="file").
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.errors import DomainError

MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),  # .xlsx, .docx, .pptx are zip packages
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy .xls / .doc
)
SNIFF_BYTES = 16
# The largest ratio of a member's inflated to compressed size accepted in an .xlsx.
XLSX_MAX_RATIO = 200


class UploadRejected(DomainError):
    def __init__(self, message):
        super().__init__(message, field="file")


def xlsx_max_uncompressed_bytes() -> int:
    return getattr(settings, "UPLOAD_XLSX_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes start: pdf, png, jpeg, gif, zip, ole; None if unknown."""
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return None


def size_of(fileobj) -> int | None:
    size = getattr(fileobj, "size", None)
    if size is not None:
        return size
    try:
        position = fileobj.tell()
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return size


def _head(fileobj) -> bytes:
    position = fileobj.tell()
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(position)
    return head


def size_problem(fileobj, *, max_bytes: int) -> str | None:
    size = size_of(fileobj)
    if size is not None and size > max_bytes:
        return _("The file is %(size)s; the limit is %(limit)s. Split it into several files.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(max_bytes),
        }
    if size == 0:
        return _("The file is empty.")
    return None


def xlsx_problem(fileobj, *, max_bytes: int, not_xlsx: str | None = None) -> str | None:
    """Why this upload cannot be opened as an .xlsx workbook, or None when it may be.

    In this order, each before any inflating: the size; the first bytes (a zip package); the zip
    directory (the workbook part present, the total inflated size within
    UPLOAD_XLSX_MAX_UNCOMPRESSED_BYTES, no member inflating more than XLSX_MAX_RATIO times).
    """
    if problem := size_problem(fileobj, max_bytes=max_bytes):
        return problem
    not_xlsx = not_xlsx or _(
        "The file is not a valid .xlsx workbook. Save it from Excel or WPS as "
        '"Excel Workbook (*.xlsx)" and try again.'
    )
    if sniff(_head(fileobj)) != "zip":
        return not_xlsx
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return not_xlsx
    finally:
        fileobj.seek(position)
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        return not_xlsx
    inflated = sum(m.file_size for m in members)
    limit = xlsx_max_uncompressed_bytes()
    if inflated > limit or any(m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1024) for m in members):
        return _(
            "The workbook would unpack to %(size)s, more than the %(limit)s accepted. Remove unused "
            "sheets and formatting, or split it into several files."
        ) % {"size": filesizeformat(inflated), "limit": filesizeformat(limit)}
    return None


def check_xlsx(fileobj, *, max_bytes: int) -> None:
    if problem := xlsx_problem(fileobj, max_bytes=max_bytes):
        raise UploadRejected(problem)


def check_text(content: bytes, *, max_bytes: int) -> str:
    """A .csv / .json upload as text: within the size, UTF-8 (a BOM is fine), no NUL bytes."""
    if len(content) > max_bytes:
        raise UploadRejected(
            _("The file is %(size)s; the limit is %(limit)s. Split it into several files.")
            % {"size": filesizeformat(len(content)), "limit": filesizeformat(max_bytes)}
        )
    if b"\x00" in content:
        raise UploadRejected(_("The file is not a text file (UTF-8)."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRejected(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None


_UNSAFE = re.compile(r"[^\w.\-()\[\] ]+", re.UNICODE)


def safe_filename(name: str, *, max_length: int = 120, default: str = "file") -> str:
    """A file name safe to store and to send in Content-Disposition: no directories, no control or
    shell characters, NFC-normalised (Chinese names stay), not hidden, at most `max_length`
    characters with the extension kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    name = re.sub(r"_+", "_", name)
    if not name:
        return default
    stem, ext = os.path.splitext(name)
    ext = ext[:16]
    if len(name) > max_length:
        name = stem[: max(1, max_length - len(ext))] + ext
    return name


# Documents and images accepted as attachments: extension → (the family its first bytes must
# show, the content type stored and served). .docx, .xlsx and .ofd are zip packages; .doc, .xls OLE.
ATTACHMENT_TYPES: dict[str, tuple[str, str]] = {
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


def check_attachment(upload, *, allowed, max_mb: int, field: str = "file") -> tuple[str, str, int, str]:
    """(safe name, content type, size, sha256) of an acceptable attachment, else DomainError(field).

    Checked in order: present, not empty, at most `max_mb`, an extension in `allowed` (and known),
    and first bytes that agree with the extension — a renamed executable is refused."""
    if upload is None:
        raise DomainError(_("Choose a file to upload."), field=field)
    name = safe_filename(getattr(upload, "name", ""), max_length=150)
    size = upload.size or 0
    if size == 0:
        raise DomainError(_("The file “%(name)s” is empty.") % {"name": name}, field=field)
    if size > max_mb * 1024 * 1024:
        raise DomainError(
            _("The file “%(name)s” is larger than %(max)d MB.") % {"name": name, "max": max_mb},
            field=field,
        )
    _stem, dot, ext = name.rpartition(".")
    ext = ext.lower() if dot else ""
    if ext not in allowed or ext not in ATTACHMENT_TYPES:
        raise DomainError(
            _("Files of this type are not accepted here. Accepted: %(types)s.")
            % {"types": ", ".join(allowed)},
            field=field,
        )
    family, content_type = ATTACHMENT_TYPES[ext]
    upload.seek(0)
    if sniff(upload.read(SNIFF_BYTES)) != family:
        raise DomainError(
            _("The content of “%(name)s” is not a real %(type)s file.") % {"name": name, "type": ext.upper()},
            field=field,
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, content_type, size, digest.hexdigest()


def attachment_response(field_file, *, filename: str, content_type: str | None = None, private: bool = True):
    """Serve a stored file as a download (never inline): nosniff, and no caching unless public.

    404 when the field is empty or the file is gone from storage. Callers check who may see it.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename or "file", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response
