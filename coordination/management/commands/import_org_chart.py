"""manage.py import_org_chart FILE.xlsx: import the organisation chart, all rows or nothing."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from coordination.importexport import org_chart_import


class Command(BaseCommand):
    help = (
        "Import the organisation chart from an .xlsx workbook (as written by export_org_chart). "
        "Every row is checked; if any row has an error, nothing is changed and the errors are "
        "listed. Runs as the system (whoever has shell access)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx workbook.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report, but change nothing."
        )

    def handle(self, *args, file, dry_run=False, verbosity=1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                # tqdm rewrites its line with \r, so it writes to the real stderr (Django's
                # OutputWrapper would add a newline per update); None hides it when not a TTY.
                bar = tqdm(total=total, unit="row", file=sys.stderr, disable=None if verbosity >= 1 else True)
            bar.update(done - bar.n)

        try:
            with path.open("rb") as fileobj:
                report = org_chart_import(actor=None, fileobj=fileobj, progress=progress, dry_run=dry_run)
        finally:
            if bar is not None:
                bar.close()

        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(report.errors)} error(s) in {path}; nothing was changed.")
        summary = f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
        if dry_run:
            self.stdout.write(f"Dry run, nothing was changed. The import would give: {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path}: {summary}."))
