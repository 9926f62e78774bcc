"""Writes to the working-day calendar: one function per use case (DESIGN.md §4.1).

Every service runs in one transaction, locks the year it changes, checks permission and the
rule, writes the change and its audit event, clears this process's calendar cache at once, and,
after commit, clears it again and sends `portal.workcal.signals.calendar_changed` (the clocks app
recomputes the open deadlines of the changed years and tells the people responsible).

`actor` is the acting user, or None for the system (seeding). A user needs the model
permissions `workcal.change_calendaryear` to edit and `workcal.confirm_calendaryear` to confirm
or reopen (superusers have both).

A confirmed year is locked: reopen it (it becomes provisional), correct it, confirm it again.
Audit events are recorded on the year (a day's event carries the day's fields in before/after).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.actions import register_actions
from portal.audit.services import audit_record, snapshot
from portal.errors import Conflict, DomainError
from portal.workcal import conf, days, seed
from portal.workcal.models import CalendarDay, CalendarYear, YearStatus
from portal.workcal.signals import calendar_changed, calendar_changing

YEAR_FIELDS = ["year", "status", "source", "reference", "confirmed_by", "confirmed_at", "note"]
DAY_FIELDS = ["date", "is_workday", "name", "reference", "note"]

register_actions(
    {
        "workcal.year_create": gettext_lazy("Calendar year created"),
        "workcal.year_update": gettext_lazy("Calendar year edited"),
        "workcal.year_confirm": gettext_lazy("Calendar year confirmed"),
        "workcal.year_reopen": gettext_lazy("Calendar year reopened"),
        "workcal.year_delete": gettext_lazy("Calendar year deleted"),
        "workcal.year_seed": gettext_lazy("Calendar year seeded from the holidays package"),
        "workcal.day_set": gettext_lazy("Calendar day set"),
        "workcal.day_clear": gettext_lazy("Calendar day cleared"),
    }
)

PERM_EDIT = "workcal.change_calendaryear"
PERM_CONFIRM = "workcal.confirm_calendaryear"


# -- helpers ------------------------------------------------------------------------------------


def _require(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("You may not change the working-day calendar."))


def _changed(years) -> None:
    """Clear the cache now and after commit; send the signal after commit (never on rollback)."""
    years = sorted(set(years))
    if not years:
        return
    days.clear_cache(years)
    calendar_changing.send(sender=CalendarYear, years=years)

    def send():
        days.clear_cache(years)
        calendar_changed.send(sender=CalendarYear, years=years)

    # Marks the transaction as holding an uncommitted calendar change: until it commits, what it
    # reads through `days` is not cached (it may still roll back).
    setattr(send, days.AFTER_COMMIT_MARKER, True)
    transaction.on_commit(send)


def _date_label(d: date) -> str:
    return formats.date_format(d, "DATE_FORMAT")


def _check_year_number(year: int) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(_("Enter a year as a number, e.g. 2027."), field="year") from None
    if not date.min.year <= year <= date.max.year:
        raise DomainError(_("Enter a year between 1 and 9999."), field="year")
    return year


def _locked_year(year: int, *, create: bool = False) -> CalendarYear:
    year = _check_year_number(year)
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    if row is None:
        if not create:
            raise DomainError(
                _("There is no calendar for %(year)s yet; add the year first.") % {"year": year},
                field="year",
            )
        CalendarYear.objects.get_or_create(year=year)
        row = CalendarYear.objects.select_for_update().get(year=year)
    return row


def _refuse_if_confirmed(row: CalendarYear) -> None:
    if row.is_confirmed:
        raise Conflict(
            _("%(year)s is confirmed and locked. Reopen it first, correct it, then confirm it again.")
            % {"year": row.year}
        )


def _clean(text) -> str:
    return (text or "").strip()


def check_day(*, day: date, is_workday: bool, name: str, reference: str) -> None:
    """The rules for one exception day, without touching the database (admin forms use it too)."""
    if not isinstance(day, date):
        raise DomainError(_("Enter a date."), field="date")
    weekend = day.weekday() in conf.weekend_days()
    label = _date_label(day)
    if is_workday and not weekend:
        raise DomainError(
            _(
                "%(date)s is a weekday and therefore a working day anyway; only weekend days "
                "can be made working days. To undo a holiday, delete its row."
            )
            % {"date": label},
            field="is_workday",
        )
    if not is_workday and weekend:
        raise DomainError(
            _(
                "%(date)s is a weekend day and therefore a day off anyway; record only weekdays "
                "off and weekend working days."
            )
            % {"date": label},
            field="is_workday",
        )
    if not _clean(name):
        raise DomainError(_("Give the day a name, e.g. 春节 or 调休上班."), field="name")
    if is_workday and not _clean(reference):
        raise DomainError(
            _(
                "%(date)s is a weekend day: making it a working day needs the reference of the "
                "notice that says so, e.g. 国办发明电〔2025〕7号."
            )
            % {"date": label},
            field="reference",
        )


# -- days ---------------------------------------------------------------------------------------


@transaction.atomic
def calendar_day_set(
    *, actor, day: date, is_workday: bool, name: str, reference: str = "", note: str = ""
) -> CalendarDay:
    """Record (or change) an exception: a weekday off, or a weekend working day (调休上班).

    The year is created (provisional) when it does not exist; a confirmed year is refused.
    """
    _require(actor, PERM_EDIT)
    check_day(day=day, is_workday=is_workday, name=name, reference=reference)
    row = _locked_year(day.year, create=True)
    _refuse_if_confirmed(row)
    existing = CalendarDay.objects.filter(date=day).first()
    before = snapshot(existing, DAY_FIELDS) if existing else None
    values = {
        "year": row,
        "is_workday": bool(is_workday),
        "name": _clean(name),
        "reference": _clean(reference),
        "note": _clean(note),
    }
    if existing is None:
        obj = CalendarDay.objects.create(date=day, **values)
    else:
        obj = existing
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
    after = snapshot(obj, DAY_FIELDS)
    if before != after:
        row.edited = True
        row.save(update_fields=["edited", "updated_at"])
        audit_record(actor=actor, action="workcal.day_set", obj=row, before=before, after=after)
        _changed([day.year])
    return obj


@transaction.atomic
def calendar_day_clear(*, actor, day: date) -> None:
    """Remove the exception recorded for `day`: it becomes an ordinary Mon–Fri day again."""
    _require(actor, PERM_EDIT)
    if not isinstance(day, date):
        raise DomainError(_("Enter a date."), field="date")
    row = _locked_year(day.year)
    _refuse_if_confirmed(row)
    obj = CalendarDay.objects.filter(date=day).first()
    if obj is None:
        raise DomainError(
            _("Nothing is recorded for %(date)s; it is already an ordinary day.") % {"date": _date_label(day)}
        )
    before = snapshot(obj, DAY_FIELDS)
    obj.delete()
    row.edited = True
    row.save(update_fields=["edited", "updated_at"])
    audit_record(actor=actor, action="workcal.day_clear", obj=row, before=before, after=None)
    _changed([day.year])


# -- years --------------------------------------------------------------------------------------


@transaction.atomic
def calendar_year_create(*, actor, year: int, source: str = "", note: str = "") -> CalendarYear:
    """Add a year (provisional, no exceptions yet: Mon–Fri until its days are entered)."""
    _require(actor, PERM_EDIT)
    year = _check_year_number(year)
    if CalendarYear.objects.filter(year=year).exists():
        raise Conflict(_("The calendar already has %(year)s.") % {"year": year}, field="year")
    row = CalendarYear.objects.create(year=year, source=_clean(source), note=_clean(note), edited=True)
    audit_record(actor=actor, action="workcal.year_create", obj=row, after=snapshot(row, YEAR_FIELDS))
    _changed([year])
    return row


@transaction.atomic
def calendar_year_update(*, actor, year: int, source: str, note: str) -> CalendarYear:
    """Change a year's source and note (its days change through calendar_day_set / _clear)."""
    _require(actor, PERM_EDIT)
    row = _locked_year(year)
    before = snapshot(row, YEAR_FIELDS)
    row.source, row.note = _clean(source), _clean(note)
    after = snapshot(row, YEAR_FIELDS)
    if before != after:
        row.edited = True
        row.save()
        audit_record(actor=actor, action="workcal.year_update", obj=row, before=before, after=after)
    return row


@transaction.atomic
def calendar_year_confirm(*, actor, year: int, reference: str) -> CalendarYear:
    """Confirm a year from the State Council notice `reference`: its deadlines stop being provisional."""
    _require(actor, PERM_CONFIRM)
    reference = _clean(reference)
    if not reference:
        raise DomainError(
            _("Enter the reference of the State Council notice, e.g. 国办发明电〔2025〕7号."),
            field="reference",
        )
    row = _locked_year(year)
    if row.is_confirmed:
        raise Conflict(_("%(year)s is already confirmed.") % {"year": row.year})
    if not CalendarDay.objects.filter(year=row).exists():
        raise DomainError(
            _("%(year)s has no holidays entered yet; enter the schedule from the notice, then confirm it.")
            % {"year": row.year}
        )
    before = snapshot(row, YEAR_FIELDS)
    row.status = YearStatus.CONFIRMED
    row.reference = reference
    row.confirmed_by = actor if getattr(actor, "pk", None) else None
    row.confirmed_at = timezone.now()
    row.edited = True
    row.save()
    audit_record(
        actor=actor, action="workcal.year_confirm", obj=row, before=before, after=snapshot(row, YEAR_FIELDS)
    )
    _changed([row.year])
    return row


@transaction.atomic
def calendar_year_reopen(*, actor, year: int, reason: str = "") -> CalendarYear:
    """Make a confirmed year provisional again, to correct it (e.g. after a new notice)."""
    _require(actor, PERM_CONFIRM)
    row = _locked_year(year)
    if not row.is_confirmed:
        raise Conflict(_("%(year)s is not confirmed; there is nothing to reopen.") % {"year": row.year})
    before = snapshot(row, YEAR_FIELDS)
    row.status = YearStatus.PROVISIONAL
    row.confirmed_by = None
    row.confirmed_at = None
    row.edited = True
    row.save()
    audit_record(
        actor=actor,
        action="workcal.year_reopen",
        obj=row,
        before=before,
        after=snapshot(row, YEAR_FIELDS),
        reason=_clean(reason),
    )
    _changed([row.year])
    return row


@transaction.atomic
def calendar_year_delete(*, actor, year: int) -> None:
    """Delete a provisional year and its days (its dates fall back to Mon–Fri, provisional)."""
    _require(actor, PERM_EDIT)
    row = _locked_year(year)
    if row.is_confirmed:
        raise Conflict(
            _("%(year)s is confirmed and cannot be deleted; reopen it first.") % {"year": row.year}
        )
    before = snapshot(row, YEAR_FIELDS)
    before["days"] = [snapshot(d, DAY_FIELDS) for d in CalendarDay.objects.filter(year=row)]
    number = row.year
    audit_record(actor=actor, action="workcal.year_delete", obj=row, before=before)
    row.delete()
    _changed([number])


@transaction.atomic
def calendar_seed(*, actor, from_year: int, to_year: int) -> list[int]:
    """Fill the years from_year..to_year from the holidays package (portal.workcal.seed.seed_years).

    Idempotent: leaves confirmed and edited years alone. Returns the years that changed.
    """
    _require(actor, PERM_EDIT)
    from_year, to_year = _check_year_number(from_year), _check_year_number(to_year)
    if from_year > to_year:
        raise DomainError(_("The first year must not be after the last year."), field="from_year")
    list(CalendarYear.objects.select_for_update().filter(year__gte=from_year, year__lte=to_year))
    changed = seed.seed_years(
        year_model=CalendarYear,
        day_model=CalendarDay,
        years=range(from_year, to_year + 1),
        now=timezone.now(),
    )
    for row in CalendarYear.objects.filter(year__in=changed):
        audit_record(
            actor=actor,
            action="workcal.year_seed",
            obj=row,
            after={**snapshot(row, YEAR_FIELDS), "days": CalendarDay.objects.filter(year=row).count()},
        )
    _changed(changed)
    return changed
