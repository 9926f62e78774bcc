"""Loading records: a provider's steward uploads a file or pushes rows through the API.

All or nothing: every row is checked first (`loaders.check_rows`); one bad row refuses the whole
load and reports every bad row. Loads of the same resource are serialised by a row lock on the
resource, so two concurrent loads cannot both write version n+1 of a record. An unchanged row
writes nothing; a changed row bumps the record's version and appends a `RecordVersion`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.errors import DomainError
from sharing.models import DataResource

from .. import loaders, permissions
from ..models import DataRecord, RecordSource, RecordVersion

register_actions(
    {
        "records.load": _("Records loaded"),
        "record.correct": _("Record corrected"),
    }
)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    keys: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


BATCH = 1000


def _write(resource: DataResource, rows: list[tuple[str, dict]], *, source: str, actor) -> LoadReport:
    """Upsert checked rows in batches; the caller holds the resource lock."""
    report = LoadReport()
    now = timezone.now()
    keys = [key for key, _data in rows]
    existing: dict[str, DataRecord] = {}
    for start in range(0, len(keys), BATCH):
        chunk = DataRecord.objects.filter(resource=resource, key__in=keys[start : start + BATCH])
        existing.update((r.key, r) for r in chunk)
    created, changed = [], []
    for key, data in rows:
        record = existing.get(key)
        if record is None:
            created.append(DataRecord(resource=resource, key=key, data=data, source=source, updated_at=now))
        elif record.data == data:
            report.unchanged += 1
        else:
            record.data, record.source, record.updated_at = data, source, now
            record.version += 1
            changed.append(record)
    DataRecord.objects.bulk_create(created, batch_size=BATCH)
    if any(r.pk is None for r in created):  # a database that cannot return ids from a bulk insert
        ids = dict(
            DataRecord.objects.filter(resource=resource, key__in=[r.key for r in created]).values_list(
                "key", "pk"
            )
        )
        for record in created:
            record.pk = record.id = ids[record.key]
    DataRecord.objects.bulk_update(changed, ["data", "version", "source", "updated_at"], batch_size=BATCH)
    report.created, report.updated = len(created), len(changed)
    user = actor if actor is not None and actor.is_authenticated else None
    RecordVersion.objects.bulk_create(
        [
            RecordVersion(
                record=record,
                version=record.version,
                data=record.data,
                source=source,
                changed_by=user,
                created_at=now,
            )
            for record in (*created, *changed)
        ],
        batch_size=BATCH,
    )
    report.keys = [r.key for r in (*created, *changed)]
    return report


def records_load(
    *, actor, resource: DataResource, rows: list[dict], source: str = RecordSource.API, reason=""
):
    """Check and load `rows` (dicts keyed by item code). Raises loaders.RowErrors, loading nothing."""
    if not permissions.can_load_records(actor, resource):
        raise _forbidden()
    with transaction.atomic():
        resource = DataResource.objects.select_for_update().get(pk=resource.pk)
        items = list(resource.items.all())
        checked = loaders.check_rows(items, loaders.check_row_count(rows))
        report = _write(resource, checked, source=source, actor=actor)
        if report.created or report.updated:
            audit_record(
                actor=actor,
                action="records.load",
                obj=resource,
                after={**report.as_dict(), "source": str(source)},
                reason=reason,
            )
    return report


def records_upload(*, actor, resource: DataResource, name: str, content: bytes) -> LoadReport:
    if not permissions.can_load_records(actor, resource):
        raise _forbidden()
    rows = loaders.read_file(name, content)
    return records_load(
        actor=actor, resource=resource, rows=rows, source=RecordSource.UPLOAD, reason=f"upload {name}"
    )


def record_correct(*, actor, record: DataRecord, changes: dict, reason: str) -> DataRecord:
    """Change some items of one record (after an objection); the caller holds a transaction."""
    resource = DataResource.objects.select_for_update().get(pk=record.resource_id)
    record = DataRecord.objects.select_for_update().get(pk=record.pk)
    row = {**record.data, **changes}
    ((key, data),) = loaders.check_rows(list(resource.items.all()), [row])
    if key != record.key:
        raise DomainError(_("A correction cannot change the natural key."), field="changes")
    before = {"version": record.version, "data": record.data}
    _write(resource, [(key, data)], source=RecordSource.CORRECTION, actor=actor)
    record.refresh_from_db()
    audit_record(
        actor=actor,
        action="record.correct",
        obj=record,
        before=before,
        after={"version": record.version, "data": record.data},
        reason=reason,
    )
    return record


def _forbidden():
    return PermissionDenied(_("Only the provider's data stewards may load its records."))
