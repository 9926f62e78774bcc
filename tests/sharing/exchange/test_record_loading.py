"""Loading records: upload (.csv/.json/.xlsx) and API push, checked against the items, all or
nothing with a per-row report; every change a new version, unchanged rows none; concurrent loads
of one resource keep versions consistent (PostgreSQL, real threads)."""

import csv
import io
import json
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings
from openpyxl import Workbook

from portal.audit.models import AuditEvent
from portal.errors import DomainError
from sharing.exchange import loaders, services
from sharing.exchange.models import DataRecord, RecordVersion

from .conftest import ROWS

pytestmark = pytest.mark.django_db


def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for row in rows:
        sheet.append(list(row.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make"),
    [("p.csv", _csv), ("p.json", lambda rows: json.dumps(rows).encode()), ("p.xlsx", _xlsx)],
)
def test_upload_each_format(client, world, resource, name, make):
    client.force_login(world.provider)
    upload = io.BytesIO(make(ROWS[:3]))
    upload.name = name
    response = client.post(f"/data/exchange/resources/{resource.code}/upload/", {"file": upload})
    assert response.status_code == 200
    assert DataRecord.objects.filter(resource=resource).count() == 3
    record = DataRecord.objects.get(key=ROWS[0]["id_number"])
    assert record.data["birth_date"] == "1990-01-01" and record.version == 1
    assert AuditEvent.objects.filter(action="records.load").count() == 1


def test_bad_rows_are_reported_and_nothing_is_loaded(client, world, resource):
    services.records_load(actor=world.provider, resource=resource, rows=ROWS[:1])
    rows = [
        {**ROWS[0], "name": "改了"},  # fine, but must not be applied
        {**ROWS[1], "birth_date": "1990-13-45"},
        {"name": "无主键"},
        {**ROWS[2], "colour": "red"},
        {**ROWS[3], "id_number": ROWS[1]["id_number"]},
    ]
    client.force_login(world.provider)
    upload = io.BytesIO(json.dumps(rows, ensure_ascii=False).encode())
    upload.name = "bad.json"
    response = client.post(f"/data/exchange/resources/{resource.code}/upload/", {"file": upload})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [e["row"] for e in errors] == [2, 3, 4, 5]
    assert "birth_date" in errors[0]["errors"][0]
    assert "natural key" in errors[1]["errors"][0]
    assert "colour" in errors[2]["errors"][0]
    assert "duplicate key" in errors[3]["errors"][0]
    assert "row-errors" in response.content.decode()
    assert DataRecord.objects.get(key=ROWS[0]["id_number"]).data["name"] == ROWS[0]["name"]
    assert DataRecord.objects.count() == 1 and RecordVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("data_type_value", "ok"),
    [
        (("integer", "12"), 12),
        (("decimal", "1.50"), "1.50"),
        (("boolean", "是"), True),
        (("date", "2026-2-1"), None),
    ],
)
def test_values_are_checked_by_data_type(data_type_value, ok):
    data_type, value = data_type_value
    if ok is None:
        with pytest.raises(ValueError):
            loaders.clean_value(value, data_type)
    else:
        assert loaders.clean_value(value, data_type) == ok


def test_versions_only_for_changes(world, resource):
    report = services.records_load(actor=world.provider, resource=resource, rows=ROWS)
    assert report.as_dict() == {"created": 7, "updated": 0, "unchanged": 0}
    report = services.records_load(
        actor=world.provider, resource=resource, rows=[{**ROWS[0], "address": "新地址"}, *ROWS[1:]]
    )
    assert report.as_dict() == {"created": 0, "updated": 1, "unchanged": 6}
    record = DataRecord.objects.get(key=ROWS[0]["id_number"])
    assert record.version == 2
    assert list(record.versions.values_list("version", "data__address")) == [(1, "云溪市1号"), (2, "新地址")]
    assert RecordVersion.objects.count() == 8
    assert AuditEvent.objects.filter(action="records.load").count() == 2
    report = services.records_load(actor=world.provider, resource=resource, rows=ROWS[1:])
    assert report.as_dict() == {"created": 0, "updated": 0, "unchanged": 6}
    assert AuditEvent.objects.filter(action="records.load").count() == 2


def test_only_the_providers_stewards_load(world, resource):
    for user in (world.consumer, world.authority, world.official):
        with pytest.raises(PermissionDenied):
            services.records_load(actor=user, resource=resource, rows=ROWS)
    assert not DataRecord.objects.exists()


@override_settings(EXCHANGE_UPLOAD_MAX_BYTES=100, EXCHANGE_UPLOAD_MAX_ROWS=2)
def test_limits(world, resource):
    with pytest.raises(DomainError, match="too large"):
        services.records_upload(actor=world.provider, resource=resource, name="a.csv", content=b"x" * 101)
    with pytest.raises(DomainError, match="Too many rows"):
        services.records_load(actor=world.provider, resource=resource, rows=ROWS[:3])
    with pytest.raises(DomainError, match=r"\.xlsx"):
        services.records_upload(actor=world.provider, resource=resource, name="a.txt", content=b"x")


def test_push_through_the_api(client, world, resource):
    url = f"/api/exchange/resources/{resource.code}/records/"
    client.force_login(world.provider)
    response = client.post(url, {"records": ROWS[:2]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    response = client.post(url, {"records": [{"name": "x"}]}, content_type="application/json")
    assert response.status_code == 400 and response.json()["rows"][0]["row"] == 1
    client.force_login(world.consumer)
    assert client.post(url, {"records": ROWS[:1]}, content_type="application/json").status_code == 403
    client.logout()
    assert client.post(url, {"records": ROWS[:1]}, content_type="application/json").status_code in (401, 403)
    assert DataRecord.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_loads_keep_versions_consistent(world, resource):
    services.records_load(actor=world.provider, resource=resource, rows=ROWS[:1])
    barrier = threading.Barrier(4)
    errors = []

    def load(n):
        try:
            barrier.wait()
            services.records_load(
                actor=world.provider, resource=resource, rows=[{**ROWS[0], "name": f"并发{n}"}]
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    record = DataRecord.objects.get()
    assert record.version == 5
    assert list(record.versions.order_by("version").values_list("version", flat=True)) == [1, 2, 3, 4, 5]
    assert record.versions.get(version=5).data == record.data
