"""Performance settings, read from Django settings with defaults (documented in docs/ppp-performance.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def veto_cap() -> Decimal:
    """The highest total an evaluation may have when a veto indicator failed (0: the total is zeroed)."""
    return Decimal(str(getattr(settings, "PERF_VETO_CAP", "0")))


def legacy_min_linked_share() -> Decimal:
    """Legacy PPP availability payments: the least share that floats with performance (财办金〔2017〕92号)."""
    return Decimal(str(getattr(settings, "PERF_LEGACY_MIN_LINKED_SHARE", "0.30")))


def evaluation_due_working_days() -> int:
    """Working days after a period ends by which its evaluation is due."""
    return int(getattr(settings, "PERF_EVALUATION_DUE_WORKING_DAYS", 20))


def reminder_days_ahead() -> int:
    """Reminders go out this many calendar days before a due date (and daily once overdue)."""
    return int(getattr(settings, "PERF_REMINDER_DAYS_AHEAD", 7))


def contract_expiry_days_ahead() -> int:
    return int(getattr(settings, "PERF_CONTRACT_EXPIRY_DAYS_AHEAD", 180))


def monitoring_grace_working_days() -> int:
    """Working days after a monitoring period ends before missing data is reminded."""
    return int(getattr(settings, "PERF_MONITORING_GRACE_WORKING_DAYS", 10))
