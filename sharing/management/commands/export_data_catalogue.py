"""manage.py export_data_catalogue FILE.xlsx [--user USERNAME]: the catalogue as a workbook."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sharing import selectors
from sharing.importexport import export_catalogue
from sharing.models import DataResource


class Command(BaseCommand):
    help = (
        "Write the data catalogue to an .xlsx workbook. With --user, only what that user may see; "
        "without, every resource (whoever has shell access sees everything)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx workbook to write.")
        parser.add_argument("--user", help="Export what this user sees.")

    def handle(self, *args, file, user=None, **options):
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"{user}: no such user.")
            resources = selectors.resource_list(user=actor)
        else:
            resources = DataResource.objects.select_related("provider").order_by("code")
        Path(file).write_bytes(export_catalogue(resources))
        self.stdout.write(self.style.SUCCESS(f"Wrote {file}."))
