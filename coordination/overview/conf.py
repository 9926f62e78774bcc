"""Settings of the city overview, with their defaults (docs/overview.md)."""

from django.conf import settings

# How often the large-screen mode refetches its figures (seconds; at least 10).
OVERVIEW_REFRESH_SECONDS = max(10, int(getattr(settings, "OVERVIEW_REFRESH_SECONDS", 60)))
# An on-time rate at or above the target shows green; at or above the warning level yellow; below it red.
OVERVIEW_ON_TIME_TARGET = float(getattr(settings, "OVERVIEW_ON_TIME_TARGET", 0.95))
OVERVIEW_ON_TIME_WARNING = float(getattr(settings, "OVERVIEW_ON_TIME_WARNING", 0.85))
# How many months the trend charts cover, and how many days the daily charts.
OVERVIEW_TREND_MONTHS = 12
OVERVIEW_DAILY_DAYS = 30
