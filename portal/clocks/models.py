"""The clock ledger: a reusable working-day clock for any subject (DOMAIN.md §2).

A `Clock` belongs to one subject (an application, a department task, a data request, a
coordination matter ...) through a generic relation, and to a purpose, so a subject may run
several clocks (e.g. the promised and the statutory limit). What happened to it is the append-only
list of `ClockEvent` rows: START, PAUSE(reason, legal basis, expected days), RESUME,
EXTEND(days, approved by), STOP. Everything else on the clock row (due date, consumed days,
signal ...) is derived from that ledger and the working-day calendar by `ledger.compute`, and is
stored only so that lists and the daily sweep can filter and sort in SQL.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")


class Signal(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Finished")


class Clock(models.Model):
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("subject type"))
    subject_id = models.CharField(_("subject id"), max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    purpose = models.SlugField(
        _("purpose"), max_length=32, default="limit", help_text=_("e.g. promised, statutory, reply.")
    )
    label = models.CharField(
        _("label"), max_length=200, help_text=_("What the clock is for, as people read it.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible person"),
        help_text=_("Told about signal changes when the subject names nobody else."),
    )

    limit_days = models.PositiveIntegerField(_("limit (working days)"))
    yellow_min_days = models.PositiveSmallIntegerField(
        _("yellow at no more than (working days)"), null=True, blank=True
    )
    yellow_ratio = models.DecimalField(
        _("yellow at no more than (share of the limit)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )

    # Derived from the ledger and the calendar (ledger.compute); never set by hand.
    state = models.CharField(_("state"), max_length=8, choices=ClockState.choices, default=ClockState.RUNNING)
    started_on = models.DateField(_("started on"))
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    extension_days = models.PositiveIntegerField(_("extension (working days)"), default=0)
    paused_days = models.PositiveIntegerField(_("paused (working days)"), default=0)
    consumed_days = models.PositiveIntegerField(_("consumed (working days)"), default=0)
    due_date = models.DateField(_("due date"), db_index=True)
    due_provisional = models.BooleanField(
        _("due date provisional"),
        default=False,
        help_text=_("The due date falls in a year whose calendar is not confirmed."),
    )
    signal = models.CharField(_("signal"), max_length=8, choices=Signal.choices, default=Signal.GREEN)
    signal_since = models.DateField(_("signal since"))
    next_check_on = models.DateField(
        _("next signal change"),
        null=True,
        blank=True,
        help_text=_(
            "The day the signal changes if nothing else happens; the daily sweep looks only at these."
        ),
    )
    finished_late = models.BooleanField(_("finished late"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "purpose"], name="clock_one_per_purpose"
            ),
            models.CheckConstraint(
                condition=Q(yellow_ratio__isnull=True) | Q(yellow_ratio__gte=0, yellow_ratio__lte=1),
                name="clock_yellow_ratio_range",
            ),
        ]
        indexes = [
            # The daily sweep: running clocks whose signal is due to change, and nothing else.
            models.Index(
                fields=["next_check_on"], name="clock_next_check", condition=Q(next_check_on__isnull=False)
            ),
            models.Index(fields=["state", "due_date"], name="clock_state_due"),
            models.Index(fields=["subject_type", "subject_id"], name="clock_subject"),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_signal_display()})"


class EventKind(models.TextChoices):
    START = "start", _("Started")
    PAUSE = "pause", _("Paused")
    RESUME = "resume", _("Resumed")
    EXTEND = "extend", _("Extended")
    STOP = "stop", _("Stopped")


class ClockEvent(models.Model):
    """One line of a clock's ledger. Rows are only ever added."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events", verbose_name=_("clock"))
    kind = models.CharField(_("event"), max_length=8, choices=EventKind.choices)
    on = models.DateField(_("date"), help_text=_("The legal date of the event (Asia/Shanghai)."))
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    expected_days = models.PositiveIntegerField(_("expected days"), null=True, blank=True)
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ["clock_id", "id"]
        verbose_name = _("clock event")
        verbose_name_plural = _("clock events")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="extend") | Q(days__gt=0, approved_by__isnull=False),
                name="clockevent_extension_approved",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on}"


class RecomputeRequest(models.Model):
    """Outbox row: open deadlines touching these years must be recomputed (calendar changed)."""

    years = models.JSONField(_("years"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    clocks_changed = models.PositiveIntegerField(_("deadlines changed"), default=0)

    class Meta:
        verbose_name = _("deadline recomputation")
        verbose_name_plural = _("deadline recomputations")
        indexes = [
            models.Index(fields=["done_at"], name="recompute_pending", condition=Q(done_at__isnull=True))
        ]

    def __str__(self):
        return f"{self.years} ({self.created_at:%Y-%m-%d %H:%M})"


class DigestKind(models.TextChoices):
    SIGNAL = "signal", _("Signal changed")
    DUE_CHANGED = "due_changed", _("Due date changed")


class DigestItem(models.Model):
    """One line of a person's deadline digest: a clock whose level or due date changed in a sweep
    or a calendar recomputation (tasks.py), written in the transaction that changed the clock.

    Rows are the durable outbox of the digest: `services.digests_send` sends each person one
    notification listing their unsent items and marks them sent in the same transaction, so a crash
    between the change and the digest loses nothing and a re-run sends nothing twice. `key` names
    the event exactly as the per-clock notifications did (clock, level and due date, or the old
    and new due dates), so the same event is never listed twice for the same person.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person told"),
    )
    clock = models.ForeignKey(
        Clock, on_delete=models.CASCADE, related_name="digest_items", verbose_name=_("clock")
    )
    kind = models.CharField(_("change"), max_length=12, choices=DigestKind.choices)
    key = models.CharField(_("key"), max_length=100)
    level = models.CharField(_("signal"), max_length=8, choices=Signal.choices, blank=True)
    due_date = models.DateField(_("due date"))
    remaining_days = models.IntegerField(_("working days left"), null=True, blank=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    old_due = models.DateField(_("previous due date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    digest = models.CharField(
        _("digest"), max_length=40, blank=True, help_text=_("The digest that listed this item.")
    )

    class Meta:
        verbose_name = _("deadline digest item")
        verbose_name_plural = _("deadline digest items")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="digestitem_one_per_event"),
        ]
        indexes = [
            models.Index(fields=["user"], name="digestitem_unsent", condition=Q(sent_at__isnull=True)),
            models.Index(fields=["user", "digest"], name="digestitem_by_digest"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.key}"
