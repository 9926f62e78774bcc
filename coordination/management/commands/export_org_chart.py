"""manage.py export_org_chart OUT.xlsx: write the whole organisation chart as a workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coordination.importexport import org_chart_export
from portal.models import User


def system_viewer() -> User:
    """An unsaved superuser standing for the system.

    Whoever runs a management command has shell access and so full rights; the export still
    reads through the scoped selector, which answers to this user as to any superuser. The
    object is never saved and cannot log in.
    """
    return User(username="system", is_active=True, is_staff=True, is_superuser=True)


class Command(BaseCommand):
    help = "Export the whole organisation chart to an .xlsx workbook (the import format)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="Path of the .xlsx workbook to write.")

    def handle(self, *args, out, **options):
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{path}: the file name must end in .xlsx.")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such directory.")
        content = org_chart_export(user=system_viewer())
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({len(content)} bytes)."))
