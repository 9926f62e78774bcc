"""Checking the access log's chain; findings and report are the audit verifier's (portal.audit.verify)."""

from __future__ import annotations

from portal.audit import chain as audit_chain
from portal.audit.verify import DELETED, EDITED, REORDERED, VerifyReport

from . import chain
from .models import AccessLog

BATCH_SIZE = 2000
VALUES = ("id", "hash", *chain.FIELDS)


def _rows(batch_size: int):
    base = AccessLog.objects.order_by("sequence").values(*VALUES)
    last = None
    while True:
        page = base if last is None else base.filter(sequence__gt=last)
        batch = list(page[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1]["sequence"]


def verify_access_log(*, batch_size: int = BATCH_SIZE, anchors=()) -> VerifyReport:
    """Recompute every row's hash and check the links, the sequence and the insertion order."""
    report = VerifyReport()
    anchors = dict(anchors)
    prev = None
    for row in _rows(batch_size):
        seq = row["sequence"]
        report.checked += 1
        if report.first_sequence is None:
            report.first_sequence = seq
        report.last_sequence, report.head_hash = seq, row["hash"]
        if chain.compute_hash(row) != row["hash"]:
            report.add(
                EDITED, seq, f"entry {seq} does not match its hash: its fields were changed", row["id"]
            )
        if seq in anchors and anchors.pop(seq) != row["hash"]:
            report.add(EDITED, seq, f"entry {seq} no longer has the anchored hash", row["id"])
        if prev is None:
            if seq != 1:
                report.add(DELETED, seq, f"entries 1-{seq - 1} are missing from the start", row["id"])
            elif row["prev_hash"] != audit_chain.GENESIS_HASH:
                report.add(EDITED, seq, "entry 1 does not start the chain", row["id"])
        elif seq != prev["sequence"] + 1:
            report.add(DELETED, seq, f"entries {prev['sequence'] + 1}-{seq - 1} are missing", row["id"])
        else:
            if row["prev_hash"] != prev["hash"]:
                report.add(EDITED, seq - 1, f"entry {seq - 1} is not the one entry {seq} was chained to")
            if row["id"] < prev["id"]:
                report.add(REORDERED, seq, f"entry {seq} was written before entry {seq - 1}", row["id"])
        prev = row
    for seq in sorted(anchors):
        report.add(DELETED, seq, f"the anchored entry {seq} is missing")
    return report


def summary(report: VerifyReport) -> str:
    if report.checked == 0 and report.ok:
        return "The access log is empty."
    counts = ", ".join(f"{report.counts[kind]} {kind}" for kind in (EDITED, DELETED, REORDERED))
    state = "intact" if report.ok else "TAMPERED"
    return (
        f"Checked {report.checked} access-log entries (sequence {report.first_sequence}-"
        f"{report.last_sequence}): {state} ({counts})."
    )
