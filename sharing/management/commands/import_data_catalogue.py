"""manage.py import_data_catalogue FILE.xlsx --user USERNAME: import catalogue drafts, all rows or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sharing.importexport import import_catalogue


class Command(BaseCommand):
    help = (
        "Import data resources and their items from an .xlsx workbook (as written by "
        "export_data_catalogue) as drafts, acting as a data steward of the providers. Every row is "
        "checked; if any row has an error, nothing is changed and the errors are listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx workbook.")
        parser.add_argument("--user", required=True, help="Username of the data steward importing.")

    def handle(self, *args, file, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"{user}: no such user.")
        with path.open("rb") as fileobj:
            report = import_catalogue(actor=actor, fileobj=fileobj, filename=path.name)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} error(s) in {path}; nothing was changed.")
        self.stdout.write(
            self.style.SUCCESS(f"Imported {path}: {report.created} resources, {report.items} items.")
        )
