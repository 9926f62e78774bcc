"""Seed 2004–2027 from the holidays package, with the recorded overrides (portal.workcal.seed).

2004–2026 are confirmed (checked against the State Council notices and chinesecalendar);
2027 stays provisional until an administrator confirms it from the notice. Idempotent.
"""

from django.db import migrations
from django.utils import timezone

FIRST_YEAR = 2004
LAST_YEAR = 2027


def seed(apps, schema_editor):
    from portal.workcal.seed import CHECKED_YEARS, seed_years

    seed_years(
        year_model=apps.get_model("workcal", "CalendarYear"),
        day_model=apps.get_model("workcal", "CalendarDay"),
        years=range(FIRST_YEAR, LAST_YEAR + 1),
        now=timezone.now(),
        checked_years=CHECKED_YEARS,
    )


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
