"""The working-day calendar: one row per year, one row per exception to the Mon–Fri week.

A date is a working day when its weekday is not a weekly rest day (conf.weekend_days(), Saturday
and Sunday), unless a `CalendarDay` row says otherwise: a statutory holiday or a day off on a
weekday (`is_workday=False`), or a make-up working day (调休上班) on a weekend (`is_workday=True`).

Read it through portal.workcal.days (cached); write it only through portal.workcal.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class YearStatus(models.TextChoices):
    PROVISIONAL = "provisional", pgettext_lazy("calendar year", "Provisional")
    CONFIRMED = "confirmed", pgettext_lazy("calendar year", "Confirmed")


class CalendarYear(models.Model):
    """One calendar year. Provisional until an admin confirms it from the State Council notice."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=YearStatus.choices, default=YearStatus.PROVISIONAL
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the days of this year come from, e.g. the State Council notice."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("Document number of the State Council notice, e.g. 国办发明电〔2025〕7号."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    edited = models.BooleanField(
        _("edited by an administrator"),
        default=False,
        help_text=_("Seeding from the holidays package never changes a year an administrator has edited."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]
        permissions = [("confirm_calendaryear", _("Can confirm or reopen a calendar year"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1) & Q(year__lte=9999), name="workcal_year_in_date_range"
            ),
            models.CheckConstraint(
                condition=Q(status=YearStatus.CONFIRMED, confirmed_at__isnull=False)
                | Q(status=YearStatus.PROVISIONAL, confirmed_at__isnull=True, confirmed_by__isnull=True),
                name="workcal_year_confirmed_iff_confirmed_at",
            ),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def is_confirmed(self) -> bool:
        return self.status == YearStatus.CONFIRMED


class CalendarDay(models.Model):
    """An exception to the Mon–Fri week: a day off on a weekday or a working day on a weekend."""

    year = models.ForeignKey(
        CalendarYear,
        verbose_name=_("year"),
        to_field="year",
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked: a make-up working day (调休上班) on a weekend. Unticked: a day off."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. 春节, 国庆节, 调休上班"))
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("Document that sets this day, when it is not the year's notice."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}"
