"""manage.py calendar_seed [--from-year 2004] [--to-year 2027]

Fill the working-day calendar from the holidays package. Idempotent: a confirmed year, or one an
administrator has edited, is never changed; other seeded years are brought up to date.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.errors import DomainError
from portal.workcal import conf, services


class Command(BaseCommand):
    help = (
        "Fill the working-day calendar from the holidays package (China, with make-up working days). "
        "Never changes a confirmed year or one an administrator has edited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-year", type=int, default=None, help="First year (default WORKCAL_SEED_FROM_YEAR, 2004)."
        )
        parser.add_argument(
            "--to-year",
            type=int,
            default=None,
            help="Last year (default WORKCAL_SEED_TO_YEAR, or next year when that is not set).",
        )

    def handle(self, *args, from_year=None, to_year=None, **options):
        from_year = conf.seed_from_year() if from_year is None else from_year
        if to_year is None:
            to_year = conf.seed_to_year() or timezone.localdate().year + 1
        try:
            changed = services.calendar_seed(actor=None, from_year=from_year, to_year=to_year)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if changed:
            self.stdout.write(
                self.style.SUCCESS(f"Seeded {len(changed)} year(s): {', '.join(map(str, changed))}.")
            )
        else:
            self.stdout.write(f"Nothing to change for {from_year}-{to_year}.")
