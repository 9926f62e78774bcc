"""The organisation chart as an .xlsx workbook: export it, edit it in Excel, import it back.

Export reads through the scoped selector. Import is all or nothing: every row is checked and
every problem reported (row, column, message); the changes are written in one transaction that
is kept only when no row has an error. Rows upsert by `code`; new units are created, existing
ones updated and moved, always through the org-chart services, so the import enforces exactly
the rules the admin does.

How the import works:

1. Read the sheet (size and row limits are checked first), parse each row and check what can be
   checked on its own: required cells, known kind / level / line, well-formed codes (USCC and
   division code through the model's own validators), references to a parent or line superior
   that exists in the file or in the database, duplicate codes, and parent cycles (computed on
   the tree as it would be after the import, so moving a unit under its own descendant is a
   cycle too).
2. Inside one transaction, apply the rows in dependency order (a unit's parent and line superior
   before the unit; every unit after all of its future ancestors, so each move is legal when it
   happens). The services run the model validation (`full_clean`); their errors become row
   errors. A row whose parent or line superior could not be created is still validated, but
   not written.
3. If any error was collected, the transaction is rolled back: the database is left untouched.

Every unit created, changed or moved, and every nameplate added, leaves its own audit event
(written by the services) with the reason "xlsx import <file name>", and a successful import adds
one "orgchart.import" event with the counts.
"""

from __future__ import annotations

import heapq
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from coordination import services
from coordination.models import FunctionalLine, OrgKind, OrgLevel, OrgUnit
from coordination.permissions import can_edit_chart
from coordination.selectors import org_unit_list
from portal.audit.services import audit_record
from portal.errors import DomainError
from portal.uploads import xlsx_problem

SHEET_UNITS = "units"
SHEET_HELP = "help"
COLUMNS = [
    "code",
    "parent_code",
    "name",
    "kind",
    "level",
    "division_code",
    "uscc",
    "line",
    "line_superior",
    "active",
    "nameplates",
]
REQUIRED_COLUMNS = ["code", "parent_code", "name", "kind"]
NAMEPLATE_SEPARATOR = " | "
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Fields compared to decide whether an existing unit changes (column -> model attribute).
_COMPARED = {
    "name": "name",
    "kind": "kind",
    "level": "level",
    "division_code": "division_code",
    "uscc": "uscc",
    "line": "line_id",
    "line_superior": "line_superior_id",
    "active": "active",
}
_TREE_FIELDS = ["path", "depth", "numchild"]
_MODEL_COLUMNS = {"code", "name", "kind", "level", "division_code", "uscc", "line", "line_superior", "active"}

# What openpyxl (and the zip and XML layers below it) raise on a file that is not a workbook.
_UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    EOFError,
    SyntaxError,
)


# ----------------------------------------------------------------------------------------------
# Export


def _help_rows() -> list[list[str]]:
    rows = [
        [_("column"), _("required"), _("meaning")],
        [
            "code",
            _("yes"),
            _(
                "Stable key of the unit (letters, digits, hyphens). Rows with a code "
                "that already exists update that unit; other rows create a unit."
            ),
        ],
        [
            "parent_code",
            _("yes (may be empty)"),
            _(
                "Code of the territorial parent, in this file or already in the portal. Empty: a top "
                "unit. Parents may come later in the file than their sub-units."
            ),
        ],
        ["name", _("yes"), _("Primary name (nameplate) of the unit.")],
        ["kind", _("yes"), _("One of the kind values listed below.")],
        ["level", _("for government bodies"), _("Territorial level, a whole number 1-5 (see below).")],
        ["division_code", _("no"), _("GB/T 2260 division code, six digits. Format the column as text.")],
        [
            "uscc",
            _("no"),
            _("Unified social credit code, 18 characters (GB 32100-2015). Format the column as text."),
        ],
        ["line", _("no"), _("Code of the functional line (条), listed below.")],
        ["line_superior", _("no"), _("Code of the unit of the same line one level up.")],
        ["active", _("no"), _("1 for active, 0 for inactive; empty means active.")],
        [
            "nameplates",
            _("no"),
            _('Other names of the unit, separated by " | ". Names are added, never removed, by an import.'),
        ],
        [],
        ["kind", _("meaning")],
        *[[value, str(label)] for value, label in OrgKind.choices],
        [],
        ["level", _("meaning")],
        *[[str(value), str(label)] for value, label in OrgLevel.choices],
        [],
        ["line", _("meaning")],
        *[[line.code, line.name] for line in FunctionalLine.objects.all()],
    ]
    return rows


def org_chart_export(*, user) -> bytes:
    """The chart as the user may see it, one row per unit in tree order, as .xlsx bytes."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_UNITS)
    for letter, width in zip("ABCDEFGHIJK", [22, 22, 36, 16, 7, 14, 22, 18, 22, 7, 40], strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for key in COLUMNS:
        cell = WriteOnlyCell(ws, value=key)
        cell.font = bold
        header.append(cell)
    ws.append(header)

    def text(value: str) -> WriteOnlyCell:
        # Codes stay text in Excel: a USCC typed into a number cell would lose digits.
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "@"
        return cell

    for unit in org_unit_list(user=user):
        others = [p.name for p in unit.nameplates.all() if not p.is_primary]
        ws.append(
            [
                text(unit.code),
                text(unit.parent_code or ""),
                unit.name,
                unit.kind,
                unit.level,
                text(unit.division_code),
                text(unit.uscc),
                unit.line.code if unit.line_id else "",
                unit.line_superior.code if unit.line_superior_id else "",
                1 if unit.active else 0,
                NAMEPLATE_SEPARATOR.join(others),
            ]
        )

    help_ws = wb.create_sheet(SHEET_HELP)
    help_ws.column_dimensions["A"].width = 18
    help_ws.column_dimensions["B"].width = 22
    help_ws.column_dimensions["C"].width = 90
    for row in _help_rows():
        help_ws.append(row)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------
# Import: report


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (None for the file as a whole), the column key and a
    translated message."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        where = _("Row %(row)d") % {"row": self.row} if self.row else _("File")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def error(self, row: int | None, column: str, message) -> None:
        self.errors.append(RowError(row, column, str(message)))


class _Rollback(Exception):
    """Raised inside the import transaction to undo it."""


# ----------------------------------------------------------------------------------------------
# Import: reading and parsing


@dataclass
class _Row:
    number: int
    columns: set[str]
    code: str = ""
    parent_code: str = ""
    name: str = ""
    kind: str = ""
    level: int | None = None
    division_code: str = ""
    uscc: str = ""
    line: FunctionalLine | None = None
    line_superior: str = ""
    active: bool = True
    nameplates: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column: str, message) -> None:
        self.errors.append((column, str(message)))

    def has(self, column: str) -> bool:
        return column in self.columns


# ASCII digits only (str.isdigit() accepts "²", which int() rejects), and few enough that int()
# never hits Python's limit on converting long digit strings.
_LEVEL_DIGITS = re.compile(r"[0-9]{1,9}")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _file_size(fileobj) -> int | None:
    size = getattr(fileobj, "size", None)
    if isinstance(size, int):
        return size
    try:
        position = fileobj.tell()
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(position)
    except (AttributeError, OSError, ValueError):
        return None
    return size


def _read_sheet(fileobj, report: ImportReport) -> tuple[list[str], list[tuple[int, tuple]]] | None:
    """The header keys and the non-empty data rows (with their sheet row numbers), or None
    when the file cannot be used (the reason is in the report)."""
    max_bytes = settings.ORG_IMPORT_MAX_BYTES
    max_rows = settings.ORG_IMPORT_MAX_ROWS
    size = _file_size(fileobj)
    if size is not None and size > max_bytes:
        report.error(
            None,
            "",
            _("The file is %(size)s; the limit is %(limit)s. Split it into several files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
        return None
    if size == 0:
        report.error(None, "", _("The file is empty."))
        return None
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
        # The zip directory first: a zip bomb or a non-workbook is refused before openpyxl inflates it.
        if problem := xlsx_problem(fileobj, max_bytes=max_bytes):
            report.error(None, "", problem)
            return None
    not_xlsx = _(
        "The file is not a valid .xlsx workbook. Save it from Excel or WPS as "
        '"Excel Workbook (*.xlsx)" and try again.'
    )
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except _UNREADABLE:
        report.error(None, "", not_xlsx)
        return None
    try:
        ws = wb[SHEET_UNITS] if SHEET_UNITS in wb.sheetnames else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            report.error(None, "", _("The sheet is empty: the first row must name the columns."))
            return None
        header = [_text(v).lower() for v in header_row]
        seen = set()
        for key in header:
            if key and key in seen:
                report.error(
                    1, key, _("The column %(column)s appears twice in the header row.") % {"column": key}
                )
            seen.add(key)
        missing = [key for key in REQUIRED_COLUMNS if key not in seen]
        if missing:
            report.error(
                1,
                "",
                _(
                    "The header row (row 1) lacks the required columns: %(missing)s. "
                    "The first row must hold the column keys %(columns)s."
                )
                % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)},
            )
        if report.errors:
            return None
        data = []
        for number, values in enumerate(rows, start=2):
            if not any(_text(v) for v in values):
                continue
            if len(data) >= max_rows:
                report.error(
                    None,
                    "",
                    _(
                        "The file has more than %(max)d rows; the limit is %(max)d. "
                        "Split it into several files."
                    )
                    % {"max": max_rows},
                )
                return None
            data.append((number, values))
        return header, data
    except _UNREADABLE:
        report.error(None, "", not_xlsx)
        return None
    finally:
        wb.close()


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in OrgKind.choices:
        lookup[str(label).strip().lower()] = value
        lookup[value] = value
    return lookup


def _run_field_validators(row: _Row, column: str, value: str) -> None:
    try:
        OrgUnit._meta.get_field(column).clean(value, None)
    except ValidationError as exc:
        for message in exc.messages:
            row.error(column, message)


def _parse_row(
    number: int, header: list[str], values: tuple, lines: dict[str, FunctionalLine], kinds: dict[str, str]
) -> _Row:
    cells = {key: values[i] if i < len(values) else None for i, key in enumerate(header) if key}
    row = _Row(number=number, columns={key for key in cells if key in COLUMNS})

    row.code = _text(cells.get("code"))
    if not row.code:
        row.error("code", _("The unit code is required."))
    else:
        _run_field_validators(row, "code", row.code)

    row.parent_code = _text(cells.get("parent_code"))

    row.name = _text(cells.get("name"))
    if not row.name:
        row.error("name", _("The name is required."))
    else:
        _run_field_validators(row, "name", row.name)

    kind = _text(cells.get("kind"))
    if not kind:
        row.error(
            "kind", _("The kind is required; use one of: %(kinds)s.") % {"kinds": ", ".join(OrgKind.values)}
        )
    elif kind.lower() not in kinds:
        row.error(
            "kind",
            _("%(value)s is not a kind of unit; use one of: %(kinds)s.")
            % {"value": kind, "kinds": ", ".join(OrgKind.values)},
        )
    else:
        row.kind = kinds[kind.lower()]

    if row.has("level"):
        raw = cells.get("level")
        text = _text(raw)
        if text:
            if _LEVEL_DIGITS.fullmatch(text) and int(text) in OrgLevel.values:
                row.level = int(text)
            else:
                row.error(
                    "level",
                    _(
                        "%(value)s is not a level; use a whole number from 1 (national) "
                        "to 5 (street / township), or leave it empty."
                    )
                    % {"value": text},
                )

    for column in ("division_code", "uscc"):
        if not row.has(column):
            continue
        raw = cells.get(column)
        if isinstance(raw, float) and abs(raw) >= 1e15:
            row.error(
                column,
                _(
                    "Excel stored this code as a number and lost digits. Format the "
                    "column as text and type the code again."
                ),
            )
            continue
        text = _text(raw)
        if column == "uscc":
            text = text.upper()
        setattr(row, column, text)
        if text:
            _run_field_validators(row, column, text)

    if row.has("line"):
        code = _text(cells.get("line"))
        if code:
            row.line = lines.get(code)
            if row.line is None:
                row.error(
                    "line",
                    _("There is no functional line with the code %(code)s; use one of: %(lines)s.")
                    % {"code": code, "lines": ", ".join(lines) or "-"},
                )

    row.line_superior = _text(cells.get("line_superior"))

    if row.has("active"):
        text = _text(cells.get("active")).lower()
        if text in ("", "1", "true", "yes", "y", "是"):
            row.active = True
        elif text in ("0", "false", "no", "n", "否"):
            row.active = False
        else:
            row.error(
                "active",
                _("%(value)s is not understood; write 1 for active or 0 for inactive.")
                % {"value": _text(cells.get("active"))},
            )

    if row.has("nameplates"):
        seen = {row.name}
        for name in _text(cells.get("nameplates")).split("|"):
            name = name.strip()
            if not name or name in seen:
                continue
            seen.add(name)
            if len(name) > 200:
                row.error(
                    "nameplates", _("The name %(name)s… is longer than 200 characters.") % {"name": name[:20]}
                )
            else:
                row.nameplates.append(name)
    return row


# ----------------------------------------------------------------------------------------------
# Import: references, cycles and order


def _check_references(rows: list[_Row], db_codes: set[str]) -> dict[str, _Row]:
    """Flag duplicate codes and unknown references; return the rows by code (first occurrence)."""
    by_code: dict[str, _Row] = {}
    for row in rows:
        if not row.code:
            continue
        first = by_code.get(row.code)
        if first is not None:
            row.error(
                "code",
                _("The code %(code)s is already used in row %(row)d; each unit may appear only once.")
                % {"code": row.code, "row": first.number},
            )
        else:
            by_code[row.code] = row
    known = db_codes | set(by_code)
    for row in rows:
        if row.parent_code:
            if row.parent_code == row.code:
                row.error("parent_code", _("A unit cannot be its own parent."))
            elif row.parent_code not in known:
                row.error(
                    "parent_code",
                    _("There is no unit with the code %(code)s, neither in this file nor in the portal.")
                    % {"code": row.parent_code},
                )
        if row.line_superior:
            if row.line_superior == row.code:
                row.error("line_superior", _("A unit cannot be its own line superior."))
            elif row.line_superior not in known:
                row.error(
                    "line_superior",
                    _("There is no unit with the code %(code)s, neither in this file nor in the portal.")
                    % {"code": row.line_superior},
                )
    return by_code


def _final_parents(by_code: dict[str, _Row], db_parent: dict[str, str | None]) -> dict[str, str | None]:
    """Each unit's parent code as it would be after the import."""
    final = dict(db_parent)
    for code, row in by_code.items():
        parent_ok = not any(col == "parent_code" for col, _msg in row.errors)
        final[code] = (row.parent_code or None) if parent_ok else db_parent.get(code)
    return final


def _check_cycles(by_code: dict[str, _Row], final: dict[str, str | None]) -> set[str]:
    """Flag every file row whose parent chain loops; return the codes in cycles."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    in_cycle: set[str] = set()
    for start in by_code:
        walk = []
        code = start
        while code is not None and state.get(code) is None:
            state[code] = 1
            walk.append(code)
            code = final.get(code)
        if code is not None and state.get(code) == 1:
            cycle = walk[walk.index(code) :]
            in_cycle.update(cycle)
            for i, member in enumerate(cycle):
                if member in by_code:  # the chain told from this row's unit upwards
                    chain = " → ".join([*cycle[i:], *cycle[:i], member])
                    by_code[member].error(
                        "parent_code",
                        _(
                            "The parent codes form a cycle (%(chain)s); a unit cannot be placed under "
                            "itself or one of its own sub-units."
                        )
                        % {"chain": chain},
                    )
        for done in walk:
            state[done] = 2
    return in_cycle


def _apply_order(
    rows: list[_Row], by_code: dict[str, _Row], final: dict[str, str | None], in_cycle: set[str]
) -> list[_Row]:
    """File rows in an order where each unit comes after every future ancestor that is in the
    file and after its line superior (when that is in the file); file order breaks ties."""
    deps: dict[int, set[int]] = {}
    for row in by_code.values():
        needs = set()
        if row.code not in in_cycle:
            ancestor = final.get(row.code)
            hops = 0
            while ancestor is not None and ancestor not in by_code and hops <= len(final):
                ancestor = final.get(ancestor)
                hops += 1
            if ancestor is not None and ancestor in by_code:
                needs.add(by_code[ancestor].number)
        superior = by_code.get(row.line_superior)
        if superior is not None and superior is not row:
            needs.add(superior.number)
        deps[row.number] = needs
    by_number = {row.number: row for row in by_code.values()}
    dependants: dict[int, list[int]] = {n: [] for n in deps}
    waiting = {n: len(needs) for n, needs in deps.items()}
    for n, needs in deps.items():
        for need in needs:
            dependants[need].append(n)
    ready = [n for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    ordered = []
    while ready:
        n = heapq.heappop(ready)
        ordered.append(by_number[n])
        for dependant in dependants[n]:
            waiting[dependant] -= 1
            if waiting[dependant] == 0:
                heapq.heappush(ready, dependant)
    placed = {row.number for row in ordered}
    for row in rows:
        if row.code in by_code and by_code[row.code] is row and row.number not in placed:
            # Only line-superior references can be left here: parent cycles were cut above.
            row.error(
                "line_superior",
                _(
                    "The line superiors form a cycle; a unit cannot be, even "
                    "indirectly, its own line superior."
                ),
            )
            ordered.append(row)
    return ordered


# ----------------------------------------------------------------------------------------------
# Import: applying


def _messages_to_row(row: _Row, exc: ValidationError, *, skip: frozenset[str] = frozenset()) -> None:
    by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for column, messages in by_field.items():
        if column in skip:
            continue  # that cell already has an error of its own
        for message in messages:
            row.error("" if column == "__all__" else column, message)


def _unit_data(row: _Row, superior: OrgUnit | None) -> dict:
    data = {"code": row.code, "name": row.name, "kind": row.kind}
    for column in ("level", "division_code", "uscc", "line", "active"):
        if row.has(column):
            data[column] = getattr(row, column)
    if row.has("line_superior"):
        data["line_superior"] = superior
    return data


def _differs(unit: OrgUnit, data: dict) -> bool:
    for column, value in data.items():
        attr = _COMPARED.get(column)
        if attr is None:
            continue
        if attr.endswith("_id"):
            value = value.pk if value is not None else None
        if getattr(unit, attr) != value:
            return True
    return False


def _apply_row(
    *,
    actor,
    row: _Row,
    units: dict[str, int],
    db_parent: dict[str, str | None],
    report: ImportReport,
    reason: str,
) -> None:
    """Write one row through the services. When the row already has errors, or a unit it refers
    to is missing because that unit's own row failed, only validate it. Errors go to the row."""
    parent_pk = units.get(row.parent_code) if row.parent_code else None
    superior_pk = units.get(row.line_superior) if row.line_superior else None
    superior = OrgUnit.objects.get(pk=superior_pk) if superior_pk else None
    data = _unit_data(row, superior)
    existing_pk = units.get(row.code)
    already = frozenset(column for column, _msg in row.errors)
    exclude = [*_TREE_FIELDS, *(c for c in already if c in _MODEL_COLUMNS)]
    if row.uscc:
        holder = OrgUnit.objects.filter(uscc=row.uscc).exclude(code=row.code)
        if holder := holder.values_list("code", flat=True).first():
            # Checked here because the model's conditional unique constraint only gives its name.
            row.error(
                "uscc",
                _("The credit code %(uscc)s already belongs to the unit %(code)s.")
                % {"uscc": row.uscc, "code": holder},
            )
            exclude.append("uscc")
    if row.line_superior and not superior_pk:
        exclude.append("line_superior")
    resolvable = (not row.parent_code or parent_pk) and (not row.line_superior or superior_pk)

    if not resolvable or row.errors:
        # Something this row needs is missing (e.g. its parent's row failed): check its own
        # fields and report, but write nothing.
        unit = OrgUnit.objects.get(pk=existing_pk) if existing_pk else OrgUnit()
        for key, value in data.items():
            setattr(unit, key, value)
        try:
            unit.full_clean(exclude=exclude)
        except ValidationError as exc:
            _messages_to_row(row, exc, skip=already)
        return

    try:
        with transaction.atomic():
            if existing_pk is None:
                parent = OrgUnit(pk=parent_pk) if parent_pk else None
                unit = services.org_unit_create(actor=actor, parent=parent, data=data, reason=reason)
                units[row.code] = unit.pk
                changed = created = True
            else:
                created = False
                unit = OrgUnit.objects.get(pk=existing_pk)
                changed = _differs(unit, data)
                if changed:
                    unit = services.org_unit_update(actor=actor, unit=unit, data=data, reason=reason)
                if (row.parent_code or None) != db_parent.get(row.code):
                    target = OrgUnit(pk=parent_pk) if parent_pk else None
                    try:
                        unit = services.org_unit_move(actor=actor, unit=unit, target=target, reason=reason)
                    except DomainError as exc:
                        row.error("parent_code", exc.message)
                        raise _Rollback from None
                    changed = True
            if row.nameplates:
                added = services.org_unit_nameplates_add(
                    actor=actor, unit=unit, names=row.nameplates, reason=reason
                )
                changed = changed or bool(added)
    except _Rollback:
        return
    except ValidationError as exc:
        _messages_to_row(row, exc)
        return
    except DomainError as exc:
        row.error(exc.field or "", exc.message)
        return
    except IntegrityError:
        row.error(
            "",
            _(
                "The database refused this row because it conflicts with another unit "
                "(for example the same credit code)."
            ),
        )
        return
    if created:
        report.created += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def import_reason(filename: str) -> str:
    """The reason the audit trail gives for changes made by an import (stored, not translated)."""
    return f"xlsx import {filename}".strip()


def org_chart_import(
    *,
    actor,
    fileobj,
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportReport:
    """Import an .xlsx chart: all rows or nothing. `actor=None` means the system (a management
    command run by someone with shell access). `progress(done, total)` is called while rows
    are applied. With `dry_run`, everything is checked and nothing is kept. `filename` names
    the file in the audit trail (default: the file object's name)."""
    if actor is not None and not can_edit_chart(actor):
        raise DomainError(_("You are not allowed to change the organisation chart."))
    report = ImportReport(dry_run=dry_run)
    sheet = _read_sheet(fileobj, report)
    if sheet is None:
        return report
    header, data = sheet
    if filename is None:
        filename = PurePath(str(getattr(fileobj, "name", "") or "")).name
    reason = import_reason(filename)

    lines = {line.code: line for line in FunctionalLine.objects.all()}
    kinds = _kind_lookup()
    rows = [_parse_row(number, header, values, lines, kinds) for number, values in data]

    try:
        with transaction.atomic():
            services.lock_tree()
            db = list(OrgUnit.objects.values_list("pk", "code", "path"))
            code_by_path = {path: code for _pk, code, path in db}
            step = OrgUnit.steplen
            db_parent = {code: code_by_path.get(path[:-step]) for _pk, code, path in db}
            units = {code: pk for pk, code, _path in db}

            by_code = _check_references(rows, set(units))
            final = _final_parents(by_code, db_parent)
            in_cycle = _check_cycles(by_code, final)
            ordered = _apply_order(rows, by_code, final, in_cycle)

            total = len(ordered)
            for done, row in enumerate(ordered, start=1):
                _apply_row(
                    actor=actor, row=row, units=units, db_parent=db_parent, report=report, reason=reason
                )
                if progress is not None:
                    progress(done, total)

            column_order = {key: i for i, key in enumerate(["", *COLUMNS])}
            for row in rows:
                for column, message in sorted(row.errors, key=lambda e: column_order.get(e[0], 99)):
                    report.error(row.number, column, message)
            report.errors.sort(key=lambda e: e.row or 0)
            if report.errors or dry_run:
                raise _Rollback
            audit_record(
                actor=actor,
                action="orgchart.import",
                after={
                    "file": filename,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
                reason=reason,
            )
    except _Rollback:
        if report.errors:
            report.created = report.updated = report.unchanged = 0
    return report
