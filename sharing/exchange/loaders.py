"""Reading record files (.xlsx, .csv, .json) into rows, and checking rows against a resource's items.

Nothing here writes: `services.records` loads what these functions accepted, all or nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.uploads import check_text, check_xlsx

from . import conf

EXTENSIONS = ("xlsx", "csv", "json")


class RowErrors(DomainError):
    """Rows that do not fit the resource: `errors` is a list of {"row": n, "errors": [...]}."""

    def __init__(self, errors: list[dict]):
        super().__init__(
            _("%(count)s row(s) do not fit the resource; nothing was loaded.") % {"count": len(errors)}
        )
        self.errors = errors


def check_row_count(rows: list) -> list:
    if len(rows) > conf.upload_max_rows():
        raise DomainError(
            _("Too many rows: at most %(max)s per load.") % {"max": conf.upload_max_rows()}, field="file"
        )
    return rows


def read_file(name: str, content: bytes) -> list[dict]:
    """Rows as dicts keyed by the header (item codes), from a file named `name`."""
    if len(content) > conf.upload_max_bytes():
        raise DomainError(
            _("The file is too large: at most %(max)s bytes.") % {"max": conf.upload_max_bytes()},
            field="file",
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS:
        raise DomainError(_("Upload an .xlsx, .csv or .json file."), field="file")
    try:
        if ext == "json":
            rows = json.loads(content.decode("utf-8-sig"))
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ValueError("not a list of objects")
        elif ext == "csv":
            reader = csv.DictReader(io.StringIO(check_text(content, max_bytes=conf.upload_max_bytes())))
            rows = [dict(r) for r in reader]
        else:
            rows = _read_xlsx(content)
    except (ValueError, UnicodeDecodeError, csv.Error) as exc:
        raise DomainError(_("The file cannot be read: %(error)s") % {"error": exc}, field="file") from exc
    return check_row_count(rows)


def _read_xlsx(content: bytes) -> list[dict]:
    from openpyxl import load_workbook

    # The zip directory first: a zip bomb or a non-workbook is refused before openpyxl inflates it.
    check_xlsx(io.BytesIO(content), max_bytes=conf.upload_max_bytes())
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValueError(str(exc) or "not an xlsx workbook") from exc
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        return []
    names = [str(h).strip() if h is not None else "" for h in header]
    out = []
    for values in rows:
        if values is None or all(v is None or v == "" for v in values):
            continue
        out.append({n: v for n, v in zip(names, values, strict=False) if n})
        if len(out) > conf.upload_max_rows():
            break
    return out


TRUE = {"true", "1", "yes", "y", "是", "t"}
FALSE = {"false", "0", "no", "n", "否", "f"}


def clean_value(value, data_type: str):
    """The value as stored (JSON): str, int, decimal string, ISO date/datetime, bool or None.
    Raises ValueError with a reason when it does not fit the type."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if data_type == "string":
        return value.strip() if isinstance(value, str) else str(value)
    if data_type == "integer":
        if isinstance(value, bool):
            raise ValueError(_("not an integer"))
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(_("not an integer"))
        try:
            return int(str(value).strip()) if not isinstance(value, int | float) else int(value)
        except ValueError:
            raise ValueError(_("not an integer")) from None
    if data_type == "decimal":
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
        if not number.is_finite():
            raise ValueError(_("not a number"))
        return str(number)
    if data_type == "date":
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("not a date (YYYY-MM-DD)")) from None
    if data_type == "datetime":
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        try:
            return datetime.datetime.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("not a date and time (ISO 8601)")) from None
    if data_type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(_("not yes or no"))
    raise ValueError(_("unknown data type %(type)s") % {"type": data_type})


def check_rows(items, rows: list[dict]) -> list[tuple[str, dict]]:
    """(key, data) for every row, or RowErrors listing every bad row (1-based, header not counted)."""
    by_code = {item.code: item for item in items}
    key_item = next((item for item in items if item.is_key), None)
    if key_item is None:
        raise DomainError(_("The resource has no natural-key item, so its records cannot be loaded."))
    errors: list[dict] = []
    out: list[tuple[str, dict]] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        problems = []
        unknown = sorted(set(row) - set(by_code))
        if unknown:
            problems.append(_("unknown items: %(codes)s") % {"codes": ", ".join(unknown)})
        data = {}
        for code, item in by_code.items():
            try:
                data[code] = clean_value(row.get(code), item.data_type)
            except ValueError as exc:
                problems.append(f"{code}: {exc}")
        key = data.get(key_item.code)
        if key in (None, ""):
            problems.append(_("%(code)s: the natural key is required") % {"code": key_item.code})
        else:
            key = str(key)
            if len(key) > 200:
                problems.append(_("%(code)s: the natural key is too long") % {"code": key_item.code})
            elif key in seen:
                problems.append(_("duplicate key (also in row %(row)s)") % {"row": seen[key]})
            else:
                seen[key] = number
        if problems:
            errors.append({"row": number, "key": key or "", "errors": problems})
        else:
            out.append((key, data))
    if errors:
        raise RowErrors(errors)
    return out
