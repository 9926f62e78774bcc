"""Pages, permissions and scoping, query counts, the public pages and the export URLs."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operations import services
from operations.models import Disclosure, DocumentKind, FlagStatus, Lot, Stage, Tender
from operations.selectors import project_list
from tests.operations.conftest import project_data

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_list_scoped(client, city, project):
    other = services.project_create(
        actor=city.outsider,
        data=project_data(
            city, code="t-other", finance_department=city.other, implementing_agency=city.other
        ),
    )
    assert list(project_list(user=city.manager)) == [project]
    assert list(project_list(user=city.agency_official)) == [project]
    assert list(project_list(user=city.outsider)) == [other]
    assert list(project_list(user=city.company_rep)) == []
    services.project_update(actor=city.manager, project=project, data={"project_company": city.spv})
    assert list(project_list(user=city.company_rep)) == [project]
    page = _get(client, city.manager, reverse("operations:list"))
    assert page.status_code == 200 and "t-parking" in page.text and "t-other" not in page.text


def test_list_filters(client, city, project):
    page = _get(client, city.manager, reverse("operations:list") + "?regime=concession_2024")
    assert "t-parking" not in page.text
    page = _get(
        client,
        city.manager,
        reverse("operations:list") + "?regime=legacy_ppp&stage=identification&agency=t-data",
    )
    assert "t-parking" in page.text


def test_pages_403_and_404(client, city, project):
    assert _get(client, city.citizen, reverse("operations:list")).status_code == 403
    assert (
        _get(client, city.company_rep, reverse("operations:project", args=[project.code])).status_code == 404
    )
    assert _get(client, city.outsider, reverse("operations:project", args=[project.code])).status_code == 404
    assert (
        _get(client, city.agency_official, reverse("operations:project", args=[project.code])).status_code
        == 200
    )
    client.logout()
    assert client.get(reverse("operations:list")).status_code == 302


def test_project_page(client, city, project):
    tender = Tender.objects.create(
        project=project, reference="T-9", title="采购", deadline=datetime.date(2021, 1, 1)
    )
    Lot.objects.create(tender=tender, number=1, title="一标段")
    page = _get(client, city.manager, reverse("operations:project", args=[project.code]))
    assert page.status_code == 200
    assert 'id="ppp-graph-data"' in page.text and "operations/party_graph.js" in page.text
    assert "T-9" in page.text and "vendor/echarts/echarts.min.js" in page.text


def test_transition_through_the_page(client, city, project):
    client.force_login(city.manager)
    url = reverse("operations:transition", args=[project.code])
    response = client.post(url, {"to_stage": Stage.PREPARATION, "on": "2020-05-01"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == Stage.PREPARATION
    client.post(url, {"to_stage": Stage.TRANSFER, "on": "2020-06-01"})
    project.refresh_from_db()
    assert project.stage == Stage.PREPARATION
    client.force_login(city.company_rep)  # not this project's company: the project does not exist for them
    assert client.post(url, {"to_stage": Stage.PROCUREMENT, "on": "2020-06-01"}).status_code == 404
    services.project_update(actor=city.manager, project=project, data={"project_company": city.spv})
    assert client.post(url, {"to_stage": Stage.PROCUREMENT, "on": "2020-06-01"}).status_code == 403
    project.refresh_from_db()
    assert project.stage == Stage.PREPARATION  # refused: only the finance department's PPP manager approves


def test_check_and_resolve_through_the_page(client, city, project):
    from operations.models import Bid

    tender = Tender.objects.create(
        project=project, reference="T-9", title="采购", deadline=datetime.date(2021, 1, 1)
    )
    lot = Lot.objects.create(tender=tender, number=1, title="一标段")
    from tests.operations.conftest import enterprise

    Bid.objects.create(
        lot=lot, bidder=enterprise("t-b1", "甲", "MA35CC01"), quoted_total=100, deposit_account="A"
    )
    Bid.objects.create(
        lot=lot, bidder=enterprise("t-b2", "乙", "MA35CC02"), quoted_total=900, deposit_account="A"
    )
    client.force_login(city.manager)
    client.post(reverse("operations:tender-check", args=[project.code, tender.pk]))
    flag = tender.flags.get()
    client.post(
        reverse("operations:flag-resolve", args=[project.code, flag.pk]),
        {"status": "dismissed", "reason": ""},
    )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
    client.post(
        reverse("operations:flag-resolve", args=[project.code, flag.pk]),
        {"status": "confirmed", "reason": "x"},
    )
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED


def test_list_query_count_constant(client, city):
    client.force_login(city.manager)
    url = reverse("operations:list")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    services.project_create(actor=city.manager, data=project_data(city, code="t-a"))
    one = count()
    for index in range(4):
        services.project_create(
            actor=city.manager, data=project_data(city, code=f"t-b{index}", project_company=city.spv)
        )
    assert count() == one


def test_public_pages(client, city, project):
    services.document_add(
        actor=city.manager, project=project, data={"kind": DocumentKind.VFM, "title": "公开的评价"}
    )
    services.document_add(
        actor=city.manager,
        project=project,
        data={
            "kind": DocumentKind.CONTRACT,
            "title": "执行期公开的合同",
            "disclosure": Disclosure.AT_STAGE,
            "disclose_at_stage": Stage.EXECUTION,
        },
    )
    services.document_add(
        actor=city.manager,
        project=project,
        data={"kind": DocumentKind.OTHER, "title": "内部模型", "disclosure": Disclosure.NEVER},
    )
    url = reverse("operations:public-project", args=[project.code])
    assert client.get(url).status_code == 404  # not published
    assert client.get(reverse("operations:ocds-record", args=[project.code])).status_code == 404
    services.project_update(actor=city.manager, project=project, data={"published": True})
    page = client.get(url)
    assert page.status_code == 200
    assert "公开的评价" in page.text and "执行期公开的合同" not in page.text and "内部模型" not in page.text
    assert project.name in client.get(reverse("operations:public-list")).text
    record = client.get(reverse("operations:ocds-record", args=[project.code]))
    assert record.status_code == 200 and record["Content-Type"] == "application/json"
    assert json.loads(record.content)["records"][0]["ocid"].endswith("t-parking")
    releases = json.loads(client.get(reverse("operations:ocds-releases", args=[project.code])).content)
    assert releases["releases"][0]["tag"] == ["planning"]


def test_unpublished_export_for_officials_in_scope(client, city, project):
    url = reverse("operations:ocds-record", args=[project.code])
    assert _get(client, city.manager, url).status_code == 200
    assert _get(client, city.outsider, url).status_code == 404


def test_public_catalogue(client, city):
    services.catalogue_save(
        actor=city.manager,
        data={
            "code": "parking",
            "name": "智慧停车运营",
            "domain": "交通",
            "allowed_modes": ["bot"],
            "participation": "wholly",
            "status": "open",
        },
    )
    services.catalogue_save(
        actor=city.manager,
        data={
            "code": "draft",
            "name": "草稿服务",
            "domain": "交通",
            "allowed_modes": ["om"],
            "participation": "minority",
        },
    )
    page = client.get(reverse("operations:catalogue"))
    assert "智慧停车运营" in page.text and "草稿服务" not in page.text
    from portal.errors import DomainError

    with pytest.raises(DomainError):
        services.catalogue_save(
            actor=city.manager,
            data={
                "code": "x",
                "name": "x",
                "domain": "x",
                "allowed_modes": ["ppp"],
                "participation": "wholly",
            },
        )


def test_benchmark_page(client, city):
    from tests.operations.test_integrity import workbook

    client.force_login(city.manager)
    response = client.post(
        reverse("operations:benchmarks"),
        {"file": _upload(workbook([("检测器", "个", "云溪市", 2024, 1, 2, "x")]))},
    )
    assert response.status_code == 400 and "import-errors" in response.text
    assert _get(client, city.citizen, reverse("operations:benchmarks")).status_code == 403


def _upload(buffer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("b.xlsx", buffer.getvalue())
