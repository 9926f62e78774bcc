"""The organisation chart's .xlsx export and all-or-nothing import (service, commands, admin)."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from coordination.demo import make_uscc
from coordination.importexport import COLUMNS, org_chart_export, org_chart_import
from coordination.models import Nameplate, OrgKind, OrgLevel, OrgUnit
from portal.errors import DomainError
from tests.factories import (
    AdminFactory,
    FunctionalLineFactory,
    NameplateFactory,
    OfficialFactory,
    OrgUnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GOOD_USCC = make_uscc("11", "360900", "01490001")
# The same code with its last character changed: the check character no longer matches.
BAD_USCC = GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1")


# ------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def xlsx(rows, header=COLUMNS, sheet="units") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append([row.get(key, "") for key in header] if isinstance(row, dict) else list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run_import(content: bytes, **kwargs):
    return org_chart_import(actor=kwargs.pop("actor", None), fileobj=io.BytesIO(content), **kwargs)


def snapshot():
    units = list(
        OrgUnit.objects.order_by("code").values_list(
            "code",
            "path",
            "depth",
            "numchild",
            "name",
            "kind",
            "level",
            "division_code",
            "uscc",
            "line_id",
            "line_superior_id",
            "active",
            "updated_at",
        )
    )
    plates = list(
        Nameplate.objects.order_by("unit__code", "name").values_list("unit__code", "name", "is_primary")
    )
    return units, plates


def parent_code(code: str) -> str | None:
    parent = OrgUnit.objects.get_parent(OrgUnit.objects.get(code=code))
    return parent.code if parent else None


def error_cells(report) -> set[tuple]:
    return {(e.row, e.column) for e in report.errors}


@pytest.fixture
def chart():
    """jl (province) → jl-health; jl → yx (city) → yx-health (health line, superior jl-health)."""
    health = FunctionalLineFactory(code="health", name="卫生健康")
    FunctionalLineFactory(code="data", name="数据管理")
    jl = OrgUnitFactory(
        code="jl",
        name="江岭省人民政府",
        kind=OrgKind.GOVERNMENT,
        level=OrgLevel.PROVINCIAL,
        division_code="360000",
    )
    jl_health = OrgUnitFactory(
        code="jl-health", name="江岭省卫生健康委员会", parent=jl, level=OrgLevel.PROVINCIAL, line=health
    )
    yx = OrgUnitFactory(
        code="yx",
        name="云溪市人民政府",
        parent=jl,
        kind=OrgKind.GOVERNMENT,
        level=OrgLevel.MUNICIPAL,
        division_code="360900",
    )
    yx_health = OrgUnitFactory(
        code="yx-health",
        name="云溪市卫生健康委员会",
        parent=yx,
        level=OrgLevel.MUNICIPAL,
        line=health,
        line_superior=jl_health,
        uscc=GOOD_USCC,
    )
    NameplateFactory(unit=yx_health, name="云溪市中医药管理局")
    return {"jl": jl, "jl-health": jl_health, "yx": yx, "yx-health": yx_health}


# ------------------------------------------------------------------------------------------
# Export


def test_export_writes_one_row_per_unit_in_tree_order(chart):
    content = org_chart_export(user=AdminFactory())
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["units", "help"]
    rows = list(wb["units"].iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    by_code = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert [row[0] for row in rows[1:]] == ["jl", "jl-health", "yx", "yx-health"]
    assert by_code["yx-health"] == {
        "code": "yx-health",
        "parent_code": "yx",
        "name": "云溪市卫生健康委员会",
        "kind": "department",
        "level": 3,
        "division_code": None,
        "uscc": GOOD_USCC,
        "line": "health",
        "line_superior": "jl-health",
        "active": 1,
        "nameplates": "云溪市中医药管理局",
    }
    assert by_code["jl"]["parent_code"] is None
    assert by_code["jl"]["division_code"] == "360000"
    help_values = [row[0] for row in wb["help"].iter_rows(values_only=True)]
    assert "government" in help_values and "health" in help_values


def test_export_is_scoped_to_what_the_user_may_see(chart):
    content = org_chart_export(user=UserFactory())  # a citizen applicant
    rows = list(load_workbook(io.BytesIO(content))["units"].iter_rows(values_only=True))
    assert rows == [tuple(COLUMNS)]


# ------------------------------------------------------------------------------------------
# Import: good files


def test_round_trip_of_an_export_changes_nothing(chart):
    before = snapshot()
    report = run_import(org_chart_export(user=AdminFactory()))
    assert report.errors == []
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert snapshot() == before


def test_good_file_creates_units_under_the_right_parents(chart):
    rows = [
        # a child listed before its parent, which is also new
        {
            "code": "yx-district-gov-street",
            "parent_code": "yx-district",
            "name": "东城街道办事处",
            "kind": "government",
            "level": 5,
            "division_code": "360902",
        },
        # line superior also new and listed later in the file
        {
            "code": "yx-district-data",
            "parent_code": "yx-district",
            "name": "云溪区数据局",
            "kind": "bureau",
            "level": 4,
            "line": "data",
            "line_superior": "yx-data",
        },
        {
            "code": "yx-district",
            "parent_code": "yx",
            "name": "云溪区人民政府",
            "kind": "government",
            "level": 4,
            "division_code": "360902",
        },
        {
            "code": "yx-data",
            "parent_code": "yx",
            "name": "云溪市大数据管理局",
            "kind": "bureau",
            "level": 3,
            "line": "data",
            "active": 1,
            "nameplates": "云溪市智慧城市办公室 | 云溪市网信办 | 云溪市大数据管理局",
        },
        {
            "code": "yx-district-health",
            "parent_code": "yx-district",
            "name": "云溪区卫生健康局",
            "kind": "department",
            "level": 4,
            "line": "health",
            "line_superior": "yx-health",
            "active": 0,
        },
        {"code": "independent", "parent_code": "", "name": "云溪数字科技有限公司", "kind": "enterprise"},
    ]
    progress = []
    report = run_import(xlsx(rows), progress=lambda done, total: progress.append((done, total)))
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert progress[-1] == (6, 6)
    assert parent_code("yx-district") == "yx"
    assert parent_code("yx-district-gov-street") == "yx-district"
    assert parent_code("yx-district-data") == "yx-district"
    assert parent_code("independent") is None
    data = OrgUnit.objects.get(code="yx-data")
    assert data.line.code == "data"
    assert sorted(data.nameplates.values_list("name", "is_primary")) == [
        ("云溪市大数据管理局", True),
        ("云溪市智慧城市办公室", False),
        ("云溪市网信办", False),
    ]
    assert OrgUnit.objects.get(code="yx-district-data").line_superior == data
    district_health = OrgUnit.objects.get(code="yx-district-health")
    assert district_health.line_superior == chart["yx-health"]
    assert district_health.active is False
    assert OrgUnit.objects.get(code="yx-district-gov-street").level == OrgLevel.STREET
    # the tree stays consistent
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    assert OrgUnit.objects.get(code="yx").numchild == 3


def test_good_file_updates_and_moves_existing_units(chart):
    rows = [
        # jl moves under yx, which at the same time leaves jl to become a root: only legal in
        # the right order (yx first), although jl comes first in the file.
        {
            "code": "jl",
            "parent_code": "yx",
            "name": "江岭省人民政府",
            "kind": "government",
            "level": 2,
            "division_code": "360000",
        },
        {
            "code": "yx",
            "parent_code": "",
            "name": "云溪市人民政府",
            "kind": "government",
            "level": 3,
            "division_code": "360900",
        },
        {
            "code": "yx-health",
            "parent_code": "yx",
            "name": "云溪市卫生健康局",
            "kind": "department",
            "level": 3,
            "uscc": GOOD_USCC,
            "line": "health",
            "line_superior": "jl-health",
            "nameplates": "云溪市中医药管理局",
        },
    ]
    report = run_import(xlsx(rows))
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0)
    assert parent_code("yx") is None
    assert parent_code("jl") == "yx"
    assert parent_code("jl-health") == "jl"
    health = OrgUnit.objects.get(code="yx-health")
    assert health.name == "云溪市卫生健康局"
    assert sorted(health.nameplates.values_list("name", "is_primary")) == [
        ("云溪市中医药管理局", False),
        ("云溪市卫生健康委员会", False),
        ("云溪市卫生健康局", True),
    ]
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


# ------------------------------------------------------------------------------------------
# Import: bad rows change nothing


def test_bad_rows_are_all_reported_and_nothing_changes(chart):
    rows = [
        {"code": "new-a", "parent_code": "yx", "name": "新单位A", "kind": "department", "level": 3},  # 2
        {
            "code": "new-b",
            "parent_code": "yx",
            "name": "新单位B",
            "kind": "enterprise",
            "uscc": BAD_USCC,
        },  # 3
        {"code": "new-c", "parent_code": "nowhere", "name": "新单位C", "kind": "enterprise"},  # 4
        {"code": "cyc-1", "parent_code": "cyc-2", "name": "循环1", "kind": "enterprise"},  # 5
        {"code": "cyc-2", "parent_code": "cyc-1", "name": "循环2", "kind": "enterprise"},  # 6
        {"code": "new-a", "parent_code": "yx", "name": "重复", "kind": "enterprise"},  # 7
        {"code": "new-gov", "parent_code": "yx", "name": "没有层级的政府", "kind": "government"},  # 8
        {
            "code": "new-d",
            "parent_code": "yx",
            "name": "跨条线",
            "kind": "bureau",
            "level": 3,
            "line": "data",
            "line_superior": "jl-health",
        },  # 9
        {"code": "new-e", "parent_code": "new-a", "name": "新单位E", "kind": "office", "level": 3},  # 10
        {
            "code": "yx-health",
            "parent_code": "yx",
            "name": "改名",
            "kind": "department",
            "level": 3,
            "uscc": GOOD_USCC,
            "line": "health",
            "line_superior": "jl-health",
        },  # 11
        {"code": "new-f", "parent_code": "yx", "name": "未知", "kind": "ministry", "line": "nope"},  # 12
    ]
    before = snapshot()
    count = OrgUnit.objects.count()
    report = run_import(xlsx(rows))
    assert not report.ok
    assert error_cells(report) == {
        (3, "uscc"),
        (4, "parent_code"),
        (5, "parent_code"),
        (6, "parent_code"),
        (7, "code"),
        (8, "level"),
        (9, "line_superior"),
        (12, "kind"),
        (12, "line"),
    }
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "check character" in messages[3, "uscc"]
    assert "nowhere" in messages[4, "parent_code"]
    assert "cycle" in messages[5, "parent_code"] and "cycle" in messages[6, "parent_code"]
    assert "row 2" in messages[7, "code"]
    assert "territorial level" in messages[8, "level"]
    assert "same functional line" in messages[9, "line_superior"]
    assert "ministry" in messages[12, "kind"] and "nope" in messages[12, "line"]
    assert [e.row for e in report.errors] == sorted(e.row for e in report.errors)
    # nothing at all was written, not even the good rows
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert OrgUnit.objects.count() == count
    assert not OrgUnit.objects.filter(code__in=["new-a", "new-e", "new-d"]).exists()
    assert OrgUnit.objects.get(code="yx-health").name == "云溪市卫生健康委员会"
    assert snapshot() == before


def test_moving_a_unit_under_its_own_descendant_is_a_cycle(chart):
    before = snapshot()
    rows = [
        {"code": "new-a", "parent_code": "yx", "name": "新单位A", "kind": "enterprise"},
        {
            "code": "jl",
            "parent_code": "yx-health",
            "name": "江岭省人民政府",
            "kind": "government",
            "level": 2,
            "division_code": "360000",
        },
    ]
    report = run_import(xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [(3, "parent_code")]
    assert "jl → yx-health → yx → jl" in report.errors[0].message
    assert snapshot() == before


def test_row_with_several_problems_reports_each_of_them(chart):
    rows = [
        {
            "code": "Not A Slug",
            "parent_code": "yx",
            "name": "x",
            "kind": "government",
            "level": 9,
            "division_code": "12345",
            "active": "maybe",
        }
    ]
    report = run_import(xlsx(rows))
    assert error_cells(report) == {(2, "code"), (2, "level"), (2, "division_code"), (2, "active")}
    assert OrgUnit.objects.count() == 4


def test_duplicate_credit_code_gets_a_plain_message(chart):
    rows = [
        {
            "code": "copycat",
            "parent_code": "yx",
            "name": "抄袭",
            "kind": "enterprise",
            "uscc": GOOD_USCC.lower(),
        }
    ]
    report = run_import(xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "uscc")]
    assert "yx-health" in report.errors[0].message
    assert not OrgUnit.objects.filter(code="copycat").exists()


def test_line_superior_must_sit_one_level_up(chart):
    rows = [
        {
            "code": "yx-health-2",
            "parent_code": "yx",
            "name": "二级",
            "kind": "department",
            "level": 4,
            "line": "health",
            "line_superior": "jl-health",
        }
    ]
    report = run_import(xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "line_superior")]
    assert "one level above" in report.errors[0].message


# ------------------------------------------------------------------------------------------
# Import: unusable files


def test_non_xlsx_file_gets_a_clear_error(chart):
    for content in (b"code,parent_code,name,kind\nx,,y,enterprise\n", _zip_without_workbook()):
        report = run_import(content)
        assert [(e.row, e.column) for e in report.errors] == [(None, "")]
        assert "not a valid .xlsx" in report.errors[0].message
    assert OrgUnit.objects.count() == 4


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def test_oversized_file_is_refused_before_reading(chart, settings):
    content = xlsx([{"code": "a", "parent_code": "", "name": "a", "kind": "enterprise"}])
    settings.ORG_IMPORT_MAX_BYTES = len(content) - 1
    report = run_import(content)
    assert len(report.errors) == 1
    assert "the limit is" in report.errors[0].message
    assert not OrgUnit.objects.filter(code="a").exists()


def test_too_many_rows_are_refused(chart, settings):
    settings.ORG_IMPORT_MAX_ROWS = 2
    rows = [{"code": f"e{i}", "parent_code": "", "name": f"e{i}", "kind": "enterprise"} for i in range(3)]
    report = run_import(xlsx(rows))
    assert len(report.errors) == 1
    assert "more than 2 rows" in report.errors[0].message
    assert not OrgUnit.objects.filter(code__startswith="e").exists()


def test_missing_required_columns_are_named(chart):
    report = run_import(xlsx([["a", "", "a"]], header=["code", "parent_code", "name"]))
    assert [(e.row, e.column) for e in report.errors] == [(1, "")]
    assert "kind" in report.errors[0].message


def test_only_chart_editors_may_import(chart):
    content = xlsx([{"code": "a", "parent_code": "", "name": "a", "kind": "enterprise"}])
    with pytest.raises(DomainError):
        run_import(content, actor=OfficialFactory())
    assert not OrgUnit.objects.filter(code="a").exists()
    report = run_import(content, actor=AdminFactory())
    assert report.created == 1


def test_dry_run_checks_but_keeps_nothing(chart):
    report = run_import(
        xlsx([{"code": "a", "parent_code": "", "name": "a", "kind": "enterprise"}]), dry_run=True
    )
    assert report.ok and report.created == 1
    assert not OrgUnit.objects.filter(code="a").exists()


# ------------------------------------------------------------------------------------------
# Management commands


def test_import_command_imports_and_exits_zero(chart, tmp_path):
    target = tmp_path / "chart.xlsx"
    target.write_bytes(
        xlsx([{"code": "cmd-unit", "parent_code": "yx", "name": "命令", "kind": "office", "level": 3}])
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_org_chart", str(target), stdout=out, stderr=err)
    assert "1 created, 0 updated, 0 unchanged" in out.getvalue()
    assert parent_code("cmd-unit") == "yx"


def test_import_command_fails_with_the_report(chart, tmp_path):
    target = tmp_path / "chart.xlsx"
    target.write_bytes(
        xlsx(
            [
                {"code": "cmd-ok", "parent_code": "yx", "name": "好", "kind": "enterprise"},
                {
                    "code": "cmd-bad",
                    "parent_code": "yx",
                    "name": "坏",
                    "kind": "enterprise",
                    "uscc": BAD_USCC,
                },
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_org_chart", str(target), stdout=io.StringIO(), stderr=err)
    assert "Row 3, uscc:" in err.getvalue()
    assert not OrgUnit.objects.filter(code__startswith="cmd-").exists()


def test_export_command_writes_the_whole_chart(chart, tmp_path):
    target = tmp_path / "out.xlsx"
    call_command("export_org_chart", str(target), stdout=io.StringIO())
    rows = list(load_workbook(target)["units"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["jl", "jl-health", "yx", "yx-health"]


# ------------------------------------------------------------------------------------------
# Admin views


def upload(content: bytes, name: str = "chart.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def admin_client_en(client):
    client.force_login(AdminFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_admin_import_shows_every_error_and_changes_nothing(chart, admin_client_en):
    url = reverse("admin:coordination_orgunit_import")
    assert admin_client_en.get(url).status_code == 200
    content = xlsx(
        [
            {"code": "adm-ok", "parent_code": "yx", "name": "好", "kind": "enterprise"},
            {
                "code": "adm-bad",
                "parent_code": "missing",
                "name": "坏",
                "kind": "enterprise",
                "uscc": BAD_USCC,
            },
        ]
    )
    response = admin_client_en.post(url, {"file": upload(content)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was changed" in html
    table = html[html.index('id="import-errors"') :]
    assert re.search(r"<td>3</td>\s*<td><code>parent_code</code></td>", table)
    assert re.search(r"<td>3</td>\s*<td><code>uscc</code></td>", table)
    assert not OrgUnit.objects.filter(code__startswith="adm-").exists()


def test_admin_import_of_a_good_file_redirects_to_the_change_list(chart, admin_client_en):
    content = xlsx([{"code": "adm-ok", "parent_code": "yx", "name": "好", "kind": "enterprise"}])
    response = admin_client_en.post(reverse("admin:coordination_orgunit_import"), {"file": upload(content)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:coordination_orgunit_changelist")
    assert parent_code("adm-ok") == "yx"


def test_admin_import_form_checks_the_extension(chart, admin_client_en):
    response = admin_client_en.post(
        reverse("admin:coordination_orgunit_import"), {"file": upload(b"a,b\n", name="chart.csv")}
    )
    assert response.status_code == 200
    assert "chart.csv is not an .xlsx file" in response.content.decode()


def test_admin_import_form_checks_the_size(chart, admin_client_en, settings):
    settings.ORG_IMPORT_MAX_BYTES = 10
    response = admin_client_en.post(reverse("admin:coordination_orgunit_import"), {"file": upload(b"x" * 11)})
    assert response.status_code == 200
    assert "the limit is 10" in response.content.decode()


def test_admin_export_downloads_the_chart(chart, admin_client_en):
    response = admin_client_en.get(reverse("admin:coordination_orgunit_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="org-chart-\d{8}\.xlsx"', response["Content-Disposition"])
    rows = list(load_workbook(io.BytesIO(response.content))["units"].iter_rows(values_only=True))
    assert len(rows) == 5


def test_non_staff_official_is_refused(chart, client):
    client.force_login(OfficialFactory())
    for name in ("admin:coordination_orgunit_import", "admin:coordination_orgunit_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    content = xlsx([{"code": "sneaky", "parent_code": "", "name": "x", "kind": "enterprise"}])
    client.post(reverse("admin:coordination_orgunit_import"), {"file": upload(content)})
    assert not OrgUnit.objects.filter(code="sneaky").exists()


def test_staff_without_chart_permissions_gets_403(chart, client):
    client.force_login(OfficialFactory(is_staff=True))
    assert client.get(reverse("admin:coordination_orgunit_import")).status_code == 403


@pytest.mark.parametrize("level", ["²", "3²", "٣", "1" * 5000])
def test_a_level_with_non_ascii_or_too_many_digits_is_a_row_error(chart, level):
    rows = [{"code": "odd-level", "parent_code": "yx", "name": "x", "kind": "office", "level": level}]
    report = run_import(xlsx(rows))
    assert error_cells(report) == {(2, "level")}
    assert "is not a level" in report.errors[0].message
    assert not OrgUnit.objects.filter(code="odd-level").exists()


def test_admin_import_with_a_non_ascii_digit_level_reports_it(chart, admin_client_en):
    content = xlsx([{"code": "adm-odd", "parent_code": "yx", "name": "x", "kind": "office", "level": "²"}])
    response = admin_client_en.post(reverse("admin:coordination_orgunit_import"), {"file": upload(content)})
    assert response.status_code == 200
    table = response.content.decode()
    assert re.search(r"<td>2</td>\s*<td><code>level</code></td>", table[table.index('id="import-errors"') :])
    assert not OrgUnit.objects.filter(code="adm-odd").exists()
