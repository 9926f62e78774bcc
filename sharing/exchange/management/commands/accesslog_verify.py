"""manage.py accesslog_verify: recompute the access log's hash chain; exit 1 when anything is wrong."""

from django.core.management.base import BaseCommand, CommandError

from portal.audit.management.commands.audit_verify import _anchor
from sharing.exchange.verify import BATCH_SIZE, summary, verify_access_log


class Command(BaseCommand):
    help = (
        "Check the exchange access log's hash chain: report edited, deleted and reordered entries. "
        "Exits with status 1 when any is found, 0 when the chain is intact."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--anchor", action="append", default=[], metavar="SEQUENCE:HASH")

    def handle(self, *args, batch_size=BATCH_SIZE, anchor=(), verbosity=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = verify_access_log(batch_size=batch_size, anchors=[_anchor(a) for a in anchor])
        for finding in report.findings:
            self.stderr.write(f"{finding.kind.upper():<9} #{finding.sequence}: {finding.message}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS(summary(report)))
            if report.checked and verbosity >= 1:
                self.stdout.write(f"Head: {report.last_sequence}:{report.head_hash}")
            return
        raise CommandError(summary(report))
