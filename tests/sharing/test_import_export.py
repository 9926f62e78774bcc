"""The catalogue workbook: export, and an all-or-nothing import with a per-row report."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sharing.importexport import ITEM_COLUMNS, RESOURCE_COLUMNS, export_catalogue, import_catalogue
from sharing.models import DataItem, DataResource, Topic
from tests.sharing.conftest import published

pytestmark = pytest.mark.django_db


def workbook(resources, items) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "resources"
    ws.append(RESOURCE_COLUMNS)
    for row in resources:
        ws.append([row.get(c, "") for c in RESOURCE_COLUMNS])
    it = wb.create_sheet("items")
    it.append(ITEM_COLUMNS)
    for row in items:
        it.append([row.get(c, "") for c in ITEM_COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def resource_row(code="A01-01-01-0001", **kw):
    row = {
        "code": code,
        "name": "人口基础信息",
        "resource_class": "A",
        "classification": code[:9],
        "provider_code": "jl-police",
        "format": "table",
        "update_cycle": "daily",
        "sharing_type": "unconditional",
        "sharing_methods": "api,file",
        "open_attribute": "not_open",
        "topics": "",
    }
    row.update(kw)
    return row


def item_row(resource_code="A01-01-01-0001", code="id_number", **kw):
    row = {
        "resource_code": resource_code,
        "code": code,
        "name": "身份号码",
        "data_type": "string",
        "is_key": 1,
    }
    row.update(kw)
    return row


def test_a_good_workbook_creates_drafts_with_items(world):
    Topic.objects.create(code="population", name="人口")
    report = import_catalogue(
        actor=world.provider,
        fileobj=workbook(
            [resource_row(topics="population"), resource_row("A01-01-01-0002", name="户籍迁移")],
            [item_row(), item_row(code="name", is_key=0, name="姓名"), item_row("A01-01-01-0002")],
        ),
    )
    assert report.ok, report.errors
    assert (report.created, report.items) == (2, 3)
    first = DataResource.objects.get(code="A01-01-01-0001")
    assert first.status == "draft"
    assert first.sharing_methods == ["api", "file"]
    assert list(first.topics.values_list("code", flat=True)) == ["population"]
    assert first.items.count() == 2


def test_one_bad_row_imports_nothing_and_every_problem_is_reported(world):
    report = import_catalogue(
        actor=world.provider,
        fileobj=workbook(
            [
                resource_row(),
                resource_row("A01-01-01-002"),  # bad code
                resource_row("A01-01-01-0003", provider_code="nowhere"),
                resource_row("A01-01-01-0004", sharing_type="conditional"),  # no condition
            ],
            [item_row(), item_row(code="bad", data_type="blob"), item_row("Z99")],
        ),
    )
    assert not report.ok
    where = {(e.sheet, e.row, e.column) for e in report.errors}
    assert ("resources", 3, "code") in where
    assert ("resources", 4, "provider_code") in where
    assert ("resources", 5, "sharing_condition") in where
    assert ("items", 3, "data_type") in where
    assert ("items", 4, "resource_code") in where
    assert report.created == 0
    assert not DataResource.objects.exists()
    assert not DataItem.objects.exists()


def test_only_the_providers_stewards_import_its_resources(world):
    report = import_catalogue(actor=world.consumer, fileobj=workbook([resource_row()], []))
    assert not report.ok
    assert "provider's data stewards" in report.errors[0].message
    assert not DataResource.objects.exists()


def test_not_a_workbook(world):
    report = import_catalogue(actor=world.provider, fileobj=io.BytesIO(b"not a zip"))
    assert [e.message for e in report.errors] == ["The file is not a valid .xlsx workbook."]


def test_export_round_trips_through_import(world):
    published(world)
    content = export_catalogue(DataResource.objects.select_related("provider"))
    wb = load_workbook(io.BytesIO(content))
    rows = list(wb["resources"].iter_rows(values_only=True))
    assert rows[0] == tuple(RESOURCE_COLUMNS)
    assert rows[1][0] == "A01-01-01-0001"
    assert len(list(wb["items"].iter_rows(values_only=True))) == 7
    DataResource.objects.update(current_version=None)
    DataResource.objects.all().delete()
    report = import_catalogue(actor=world.provider, fileobj=io.BytesIO(content))
    assert report.ok, report.errors
    assert DataResource.objects.get().items.count() == 6


def test_import_page_shows_the_report(client, world):
    client.force_login(world.provider)
    response = client.post(
        reverse("sharing:catalogue-import"), {"file": _upload(workbook([resource_row("bad")], []))}
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    client.force_login(world.official)
    assert client.get(reverse("sharing:catalogue-import")).status_code == 403


def test_export_page(client, world):
    published(world)
    client.force_login(world.official)
    response = client.get(reverse("sharing:catalogue-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_management_commands(world, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    path.write_bytes(workbook([resource_row()], [item_row()]).getvalue())
    call_command("import_data_catalogue", str(path), "--user", world.provider.username)
    assert DataResource.objects.count() == 1
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_data_catalogue", str(path), "--user", world.provider.username)
    out = tmp_path / "out.xlsx"
    call_command("export_data_catalogue", str(out))
    assert out.stat().st_size > 0


def _upload(buffer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("c.xlsx", buffer.getvalue())
