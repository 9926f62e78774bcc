"""Checking the audit chain: which events were edited, deleted or reordered.

`verify_chain()` walks the events in sequence order, a batch at a time (memory stays bounded
however long the trail is), recomputes each hash and checks that

* each event's hash matches its fields (otherwise a field was edited),
* the sequence runs 1, 2, 3, … without gaps (otherwise events were deleted),
* each event's prev_hash is the hash of the event before it (the chain links), and
* row ids and times rise along the sequence (events are written in chain order, under the
  chain lock, and times are never allowed to go backwards).

An event whose hash is wrong but becomes right with another event's sequence number was moved
there: it is reported as reordered, not as edited.

What a hash chain cannot show by itself: events cut off the end of the trail, or a trail
rewritten from some point on with freshly computed hashes. Against both, keep the head that
each run reports (sequence and hash) somewhere the database's users cannot write, and pass it
back as an anchor (`verify_chain(anchors=...)`, `audit_verify --anchor SEQ:HASH`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from portal.audit import chain
from portal.audit.models import AuditEvent

EDITED = "edited"
DELETED = "deleted"
REORDERED = "reordered"
KINDS = (EDITED, DELETED, REORDERED)

BATCH_SIZE = 2000
# Bounds on what is kept in memory when a trail is badly damaged; counts stay exact.
MAX_FINDINGS = 1000
MAX_SUSPECTS = 2000

_FIELDS = (
    "id",
    "sequence",
    "created_at",
    "actor_id",
    "on_behalf_of_id",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "request_id",
    "ip",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Finding:
    kind: str  # EDITED, DELETED or REORDERED
    sequence: int | None  # where in the chain it was seen
    message: str
    event_id: int | None = None


@dataclass
class VerifyReport:
    checked: int = 0
    first_sequence: int | None = None
    last_sequence: int | None = None
    head_hash: str | None = None
    findings: list[Finding] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.counts

    @property
    def truncated(self) -> bool:
        """More findings were counted than are listed."""
        return sum(self.counts.values()) > len(self.findings)

    def of(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def sequences(self, kind: str) -> list[int]:
        return sorted(f.sequence for f in self.findings if f.kind == kind and f.sequence is not None)

    def add(self, kind: str, sequence: int | None, message: str, event_id: int | None = None) -> None:
        self.counts[kind] += 1
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(Finding(kind, sequence, message, event_id))

    def summary(self) -> str:
        if self.checked == 0 and self.ok:
            return "The audit trail is empty."
        span = f"sequence {self.first_sequence}-{self.last_sequence}" if self.checked else "no events"
        counts = ", ".join(f"{self.counts[kind]} {kind}" for kind in KINDS)
        state = "intact" if self.ok else "TAMPERED"
        return f"Checked {self.checked} audit events ({span}): {state} ({counts})."


def _rows(batch_size: int) -> Iterator[dict]:
    """All events in sequence order, fetched by keyset pages (no OFFSET, no long cursor)."""
    base = AuditEvent.objects.order_by("sequence").values(*_FIELDS)
    last = None
    while True:
        page = base if last is None else base.filter(sequence__gt=last)
        batch = list(page[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1]["sequence"]


def _payload(row: dict, object_types: dict[int, str], sequence: int | None = None) -> dict:
    return chain.event_payload(
        sequence=row["sequence"] if sequence is None else sequence,
        created_at=row["created_at"],
        actor_id=row["actor_id"],
        on_behalf_of_id=row["on_behalf_of_id"],
        action=row["action"],
        object_type=object_types.get(row["content_type_id"]) if row["content_type_id"] else None,
        object_id=row["object_id"],
        object_repr=row["object_repr"],
        before=row["before"],
        after=row["after"],
        reason=row["reason"],
        request_id=row["request_id"],
        ip=row["ip"],
        prev_hash=row["prev_hash"],
    )


def _missing(first: int, last: int) -> str:
    if first == last:
        return f"event {first} is missing"
    return f"events {first}-{last} are missing ({last - first + 1} events)"


def verify_chain(*, batch_size: int = BATCH_SIZE, anchors: Iterable[tuple[int, str]] = ()) -> VerifyReport:
    """Walk the whole chain and report what does not add up (see the module docstring).

    `anchors` are (sequence, hash) pairs recorded earlier outside the database: each must still be
    in the chain with that hash.
    """
    report = VerifyReport()
    object_types = {
        pk: f"{app_label}.{model}"
        for pk, app_label, model in ContentType.objects.values_list("pk", "app_label", "model")
    }
    anchors = dict(anchors)
    suspects: dict[int, dict] = {}  # sequence -> row whose hash does not match its fields
    too_many_suspects = False
    link_breaks: list[int] = []  # sequences whose prev_hash is not the previous event's hash
    out_of_order: list[int] = []  # sequences whose id or time is below the previous event's
    prev = None

    for row in _rows(batch_size):
        seq = row["sequence"]
        report.checked += 1
        if report.first_sequence is None:
            report.first_sequence = seq
        report.last_sequence, report.head_hash = seq, row["hash"]

        if chain.compute_hash(_payload(row, object_types)) != row["hash"]:
            if len(suspects) < MAX_SUSPECTS:
                suspects[seq] = row
            else:
                too_many_suspects = True
                report.add(
                    EDITED, seq, f"event {seq} does not match its hash: its fields were changed", row["id"]
                )

        if seq in anchors and anchors.pop(seq) != row["hash"]:
            report.add(EDITED, seq, f"event {seq} no longer has the anchored hash", row["id"])

        if prev is None:
            if seq != 1:
                report.add(DELETED, seq, _missing(1, seq - 1) + " from the start of the trail", row["id"])
            elif row["prev_hash"] != chain.GENESIS_HASH:
                link_breaks.append(seq)
        elif seq != prev["sequence"] + 1:
            report.add(DELETED, seq, _missing(prev["sequence"] + 1, seq - 1), row["id"])
        else:
            if row["prev_hash"] != prev["hash"]:
                link_breaks.append(seq)
            if row["id"] < prev["id"] or row["created_at"] < prev["created_at"]:
                out_of_order.append(seq)
        prev = {k: row[k] for k in ("sequence", "hash", "id", "created_at")}

    # Suspects: moved (their hash fits another suspect's place) or edited.
    moved: set[int] = set()
    places = set(suspects) | set(out_of_order)
    for seq, row in suspects.items():
        origin = None
        if not too_many_suspects:
            for place in sorted(places - {seq}):
                if chain.compute_hash(_payload(row, object_types, sequence=place)) == row["hash"]:
                    origin = place
                    break
        if origin is not None:
            moved.add(seq)
            report.add(
                REORDERED,
                seq,
                f"event {seq} was written as event {origin}: the sequence numbers were changed",
                row["id"],
            )
        else:
            report.add(
                EDITED, seq, f"event {seq} does not match its hash: its fields were changed", row["id"]
            )

    for seq in out_of_order:
        if seq in moved or seq - 1 in moved:
            continue  # explained by a moved event
        report.add(
            REORDERED, seq, f"event {seq} was written before event {seq - 1}: the chain is out of order"
        )

    for seq in link_breaks:
        if seq in suspects or seq - 1 in suspects or seq in out_of_order:
            continue  # already reported
        if seq == 1:
            report.add(EDITED, seq, "event 1 does not start the chain: its link to the start was changed")
        else:
            report.add(
                EDITED,
                seq - 1,
                f"event {seq - 1} is not the event that event {seq} was chained to: "
                "it was replaced or its hash rewritten",
            )

    for seq in sorted(anchors):
        report.add(DELETED, seq, f"the anchored event {seq} is missing")

    report.findings.sort(key=lambda f: (f.sequence or 0, f.kind))
    return report
