"""Cost benchmarks from an .xlsx workbook: all or nothing, with a per-row report.

Columns (row 1, any order): item, unit, region, year, p25, p50, p75, source (optional). Rows upsert
by (item, unit, region, year). Every row is checked (required cells, a year, decimals with
P25 ≤ P50 ≤ P75, duplicates in the file); when any row has an error nothing is written.
"""

from __future__ import annotations

import zipfile
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from coordination.importexport import ImportReport
from operations import conf, permissions
from operations.models import CostBenchmark
from portal.audit.services import audit_record
from portal.uploads import xlsx_problem

COLUMNS = ["item", "unit", "region", "year", "p25", "p50", "p75", "source"]
REQUIRED = COLUMNS[:7]
UNREADABLE = (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(value) -> Decimal | None:
    text = _text(value).replace(",", "")
    if isinstance(value, float):
        text = repr(value)  # the shortest text that reads back as the cell's value
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def template_workbook() -> bytes:
    import io

    wb = Workbook()
    ws = wb.active
    ws.title = "benchmarks"
    ws.append(COLUMNS)
    ws.append(["智慧停车泊位检测器", "个", "云溪市", 2025, "380", "420", "480", "示例"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(fileobj, report: ImportReport):
    # Size, content and the zip directory first: refused before openpyxl inflates anything.
    not_xlsx = _("The file is not a valid .xlsx workbook.")
    if problem := xlsx_problem(fileobj, max_bytes=conf.benchmark_import_max_bytes(), not_xlsx=not_xlsx):
        report.error(None, "", problem)
        return None
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except UNREADABLE:
        report.error(None, "", _("The file is not a valid .xlsx workbook."))
        return None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_text(v).lower() for v in (next(rows, None) or [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            report.error(
                1, "", _("The header row lacks the columns: %(missing)s.") % {"missing": ", ".join(missing)}
            )
            return None
        data = []
        for number, values in enumerate(rows, start=2):
            if not any(_text(v) for v in values):
                continue
            if len(data) >= conf.benchmark_import_max_rows():
                report.error(None, "", _("The file has too many rows; split it."))
                return None
            data.append((number, dict(zip(header, values, strict=False))))
        return data
    except UNREADABLE:
        report.error(None, "", _("The file is not a valid .xlsx workbook."))
        return None
    finally:
        wb.close()


def benchmarks_import(*, actor, fileobj, filename: str = "", dry_run: bool = False) -> ImportReport:
    if actor is not None and not permissions.can_import_benchmarks(actor):
        raise PermissionDenied(_("You are not allowed to import cost benchmarks."))
    report = ImportReport(dry_run=dry_run)
    data = _read(fileobj, report)
    if data is None:
        return report
    parsed = []
    seen: dict[tuple, int] = {}
    for number, row in data:
        values = {}
        for column in ("item", "unit", "region"):
            values[column] = _text(row.get(column))
            if not values[column]:
                report.error(number, column, _("This cell is required."))
        year_text = _text(row.get("year"))
        if year_text.isdigit() and 1990 <= int(year_text) <= 2100:
            values["year"] = int(year_text)
        else:
            report.error(number, "year", _("Give the year as four digits."))
        for column in ("p25", "p50", "p75"):
            values[column] = _decimal(row.get(column))
            if values[column] is None:
                report.error(number, column, _("Give a non-negative number."))
        if all(values.get(c) is not None for c in ("p25", "p50", "p75")) and not (
            values["p25"] <= values["p50"] <= values["p75"]
        ):
            report.error(number, "p50", _("The percentiles must satisfy P25 ≤ P50 ≤ P75."))
        values["source"] = _text(row.get("source"))[:200]
        key = tuple(values.get(c) for c in ("item", "unit", "region", "year"))
        if all(key) and key in seen:
            report.error(number, "item", _("The same benchmark is on row %(row)d.") % {"row": seen[key]})
        seen.setdefault(key, number)
        parsed.append(values)
    if report.errors:
        return report
    with transaction.atomic():
        for values in parsed:
            lookup = {c: values[c] for c in ("item", "unit", "region", "year")}
            fields = {c: values[c] for c in ("p25", "p50", "p75", "source")}
            existing = CostBenchmark.objects.filter(**lookup).first()
            if existing is None:
                CostBenchmark.objects.create(**lookup, **fields)
                report.created += 1
            elif any(getattr(existing, k) != v for k, v in fields.items()):
                CostBenchmark.objects.filter(pk=existing.pk).update(**fields)
                report.updated += 1
            else:
                report.unchanged += 1
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit_record(
                actor=actor,
                action="ppp.benchmarks_import",
                after={"file": filename, "created": report.created, "updated": report.updated},
            )
    return report
