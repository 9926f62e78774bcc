"""manage.py audit_verify: recompute the audit hash chain; exit 1 when anything is wrong.

Run it nightly (cron or a Celery beat task) and keep the head it prints somewhere the database's
users cannot write; pass it back with --anchor to prove that nothing was cut off the end.
"""

import re

from django.core.management.base import BaseCommand, CommandError

from portal.audit.verify import BATCH_SIZE, verify_chain

_ANCHOR = re.compile(r"(\d+):([0-9a-f]{64})")


def _anchor(value: str) -> tuple[int, str]:
    match = _ANCHOR.fullmatch(value.strip().lower())
    if not match:
        raise CommandError(f"--anchor {value!r}: expected SEQUENCE:SHA256, e.g. 1042:3f5a…")
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain: report edited, deleted and reordered events. "
        "Exits with status 1 when any is found, 0 when the chain is intact."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="Events read per query (default %(default)s)."
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="A head printed by an earlier run: that event must still be there with that hash. "
            "Repeatable.",
        )

    def handle(self, *args, batch_size=BATCH_SIZE, anchor=(), verbosity=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        report = verify_chain(batch_size=batch_size, anchors=[_anchor(a) for a in anchor])
        for finding in report.findings:
            self.stderr.write(f"{finding.kind.upper():<9} #{finding.sequence}: {finding.message}")
        if report.truncated:
            shown = len(report.findings)
            self.stderr.write(f"… and {sum(report.counts.values()) - shown} more (only {shown} listed).")
        if report.ok:
            self.stdout.write(self.style.SUCCESS(report.summary()))
            if report.checked and verbosity >= 1:
                self.stdout.write(f"Head: {report.last_sequence}:{report.head_hash}")
            return
        raise CommandError(report.summary())
