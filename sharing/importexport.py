"""The catalogue as an .xlsx workbook: export what the user sees, import new draft entries.

The workbook has two sheets. `resources`: one row per resource (the columns of RESOURCE_COLUMNS;
lists such as sharing methods and topics are comma-separated codes). `items`: one row per data
item (ITEM_COLUMNS), tied to its resource by `resource_code`.

Import is all or nothing, like the org-chart import: every row is checked through the same
services the pages use (so the same rules and messages apply), every problem is reported with
its sheet, row and column, and the transaction is kept only when no row has an error. Imported
resources are drafts of the importing steward's units; submit and publish them as usual.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from coordination.models import OrgUnit
from portal.audit.services import audit_record
from portal.errors import DomainError
from portal.uploads import xlsx_problem

from . import permissions, services
from .models import DataResource, SharingMethod, Topic

SHEET_RESOURCES = "resources"
SHEET_ITEMS = "items"
RESOURCE_COLUMNS = [
    "code",
    "name",
    "resource_class",
    "classification",
    "provider_code",
    "summary",
    "format",
    "update_cycle",
    "sharing_type",
    "sharing_condition",
    "legal_basis",
    "sharing_methods",
    "open_attribute",
    "topics",
]
ITEM_COLUMNS = ["resource_code", "code", "name", "data_type", "is_key", "sharing_type", "order"]
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
_UNREADABLE = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def export_catalogue(resources) -> bytes:
    """The given resources (already scoped by the selector) and their items as a workbook."""
    resources = list(resources.prefetch_related("items", "topics"))
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_RESOURCES
    ws.append(RESOURCE_COLUMNS)
    items = wb.create_sheet(SHEET_ITEMS)
    items.append(ITEM_COLUMNS)
    for sheet in (ws, items):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for r in resources:
        ws.append(
            [
                r.code,
                r.name,
                r.resource_class,
                r.classification,
                r.provider.code,
                r.summary,
                r.format,
                r.update_cycle,
                r.sharing_type,
                r.sharing_condition,
                r.legal_basis,
                ",".join(r.sharing_methods or []),
                r.open_attribute,
                ",".join(t.code for t in r.topics.all()),
            ]
        )
        for i in sorted(r.items.all(), key=lambda i: (i.order, i.pk)):
            items.append([r.code, i.code, i.name, i.data_type, 1 if i.is_key else 0, i.sharing_type, i.order])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = _("%(sheet)s row %(row)d") % {"sheet": self.sheet, "row": self.row} if self.row else _("File")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    items: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, sheet: str, row: int | None, column: str, message) -> None:
        self.errors.append(RowError(sheet, row, column, str(message)))


class _Rollback(Exception):
    pass


def _rows(wb, name: str, columns: list[str], report: ImportReport, required: bool) -> list[tuple[int, dict]]:
    if name not in wb.sheetnames:
        if required:
            report.error(name, None, "", _("The workbook has no sheet named “%(s)s”.") % {"s": name})
        return []
    rows = wb[name].iter_rows(values_only=True)
    header = [_text(v).lower() for v in (next(rows, None) or [])]
    missing = [c for c in columns if c not in header]
    if missing:
        report.error(name, 1, "", _("The header row lacks the columns: %(m)s.") % {"m": ", ".join(missing)})
        return []
    out = []
    for number, values in enumerate(rows, start=2):
        if not any(_text(v) for v in values):
            continue
        if len(out) >= MAX_ROWS:
            report.error(name, None, "", _("More than %(n)d rows; split the file.") % {"n": MAX_ROWS})
            return []
        out.append((number, {key: _text(v) for key, v in zip(header, values, strict=False) if key}))
    return out


def import_catalogue(*, actor, fileobj, filename: str = "") -> ImportReport:
    report = ImportReport()
    if not permissions.can_import(actor):
        report.error("", None, "", _("Only data stewards import catalogue entries."))
        return report
    size = getattr(fileobj, "size", None)
    if size is not None and size > MAX_BYTES:
        report.error("", None, "", _("The file is larger than 5 MB; split it into several files."))
        return report
    # The zip directory first: a zip bomb or a non-workbook is refused before openpyxl inflates it.
    if problem := xlsx_problem(
        fileobj, max_bytes=MAX_BYTES, not_xlsx=_("The file is not a valid .xlsx workbook.")
    ):
        report.error("", None, "", problem)
        return report
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except _UNREADABLE:
        report.error("", None, "", _("The file is not a valid .xlsx workbook."))
        return report
    try:
        resources = _rows(wb, SHEET_RESOURCES, RESOURCE_COLUMNS, report, True)
        items = _rows(wb, SHEET_ITEMS, ITEM_COLUMNS, report, False)
    except _UNREADABLE:
        report.error("", None, "", _("The file is not a valid .xlsx workbook."))
        return report
    finally:
        wb.close()
    if report.errors:
        return report
    if not resources:
        report.error(SHEET_RESOURCES, None, "", _("The sheet has no resources."))
        return report
    try:
        with transaction.atomic():
            _apply(actor, resources, items, report)
            if report.errors:
                raise _Rollback
            audit_record(
                actor=actor,
                action="data_resource.import",
                after={"file": filename, "created": report.created, "items": report.items},
            )
    except _Rollback:
        report.created = report.items = 0
    return report


def _apply(actor, resources, items, report: ImportReport) -> None:
    units = {
        u.code: u
        for u in OrgUnit.objects.filter(code__in={r.get("provider_code", "") for _n, r in resources})
    }
    topics = {t.code: t for t in Topic.objects.all()}
    created: dict[str, DataResource] = {}
    for number, row in resources:
        code = row.get("code", "").upper()
        if code in created:
            report.error(SHEET_RESOURCES, number, "code", _("The code %(c)s appears twice.") % {"c": code})
            continue
        provider = units.get(row.get("provider_code", ""))
        if provider is None:
            report.error(SHEET_RESOURCES, number, "provider_code", _("No unit has this code."))
            continue
        if DataResource.objects.filter(code=code).exists():
            report.error(SHEET_RESOURCES, number, "code", _("A resource with this code already exists."))
            continue
        methods = [m.strip() for m in row.get("sharing_methods", "").split(",") if m.strip()]
        wanted_topics = [t.strip() for t in row.get("topics", "").split(",") if t.strip()]
        unknown = [t for t in wanted_topics if t not in topics]
        if unknown:
            report.error(
                SHEET_RESOURCES, number, "topics", _("Unknown topics: %(t)s.") % {"t": ", ".join(unknown)}
            )
            continue
        bad = [m for m in methods if m not in SharingMethod.values]
        if bad:
            report.error(
                SHEET_RESOURCES,
                number,
                "sharing_methods",
                _("Unknown sharing method: %(m)s.") % {"m": ", ".join(bad)},
            )
            continue
        data = {
            k: row.get(k, "")
            for k in RESOURCE_COLUMNS
            if k not in ("provider_code", "topics", "sharing_methods")
        }
        data.update(provider=provider, sharing_methods=methods, code=code)
        try:
            with transaction.atomic():
                created[code] = services.resource_create(
                    actor=actor, data=data, topics=[topics[t] for t in wanted_topics]
                )
        except DomainError as exc:
            report.error(SHEET_RESOURCES, number, exc.field or "", exc.message)
            continue
        report.created += 1
    for number, row in items:
        resource = created.get(row.get("resource_code", "").upper())
        if resource is None:
            report.error(
                SHEET_ITEMS, number, "resource_code", _("This resource is not among the imported resources.")
            )
            continue
        order = row.get("order") or "0"
        if not order.isdigit():
            report.error(SHEET_ITEMS, number, "order", _("The order is a whole number."))
            continue
        data = {
            "code": row.get("code", ""),
            "name": row.get("name", ""),
            "data_type": row.get("data_type", ""),
            "is_key": row.get("is_key", "").lower() in ("1", "true", "yes", "y", "是"),
            "sharing_type": row.get("sharing_type", ""),
            "order": int(order),
        }
        try:
            with transaction.atomic():
                services.item_save(actor=actor, resource=resource, data=data)
        except DomainError as exc:
            report.error(SHEET_ITEMS, number, exc.field or "", exc.message)
            continue
        report.items += 1
