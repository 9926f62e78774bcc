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


def _project_post(city, **overrides):
    data = {
        "code": "t-new",
        "name": "新项目",
        "regime": "concession_2024",
        "mode": "bot",
        "return_mechanism": "user_pay",
        "sector": "交通",
        "term_years": "45",
        "construction_years": "2",
        "total_investment": "1000000.00",
        "implementing_agency": city.agency.pk,
        "industry_authority": city.authority.pk,
        "finance_department": city.finance.pk,
    }
    data.update(overrides)
    return data


def test_create_through_the_form_with_confirmation(client, city):
    client.force_login(city.manager)
    url = reverse("operations:create")
    assert client.get(url).status_code == 200
    response = client.post(url, _project_post(city, return_mechanism="availability"))
    assert response.status_code == 400 and "return_mechanism" in response.context["form"].errors
    response = client.post(url, _project_post(city))
    assert response.status_code == 400 and 'name="confirm"' in response.text
    response = client.post(url, _project_post(city, confirm="on"))
    assert response.status_code == 302
    from operations.models import Project

    assert Project.objects.get(code="t-new").term_warning_confirmed
    assert _get(client, city.agency_official, url).status_code == 403


def test_edit_and_add_records_through_the_forms(client, city, project):
    client.force_login(city.agency_official)
    edit = reverse("operations:edit", args=[project.code])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, _project_post(city, code="ignored", regime="legacy_ppp", term_years="20", name="改名")
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "改名" and project.code == "t-parking"
    risk = reverse("operations:record-add", args=[project.code, "risk"])
    assert (
        client.post(risk, {"category": "demand", "description": "需求", "allocation": "shared"}).status_code
        == 302
    )
    milestone = reverse("operations:record-add", args=[project.code, "milestone"])
    assert client.post(milestone, {"title": "完工", "planned_on": "2022-01-01"}).status_code == 302
    document = reverse("operations:record-add", args=[project.code, "document"])
    response = client.post(document, {"kind": "vfm", "title": "评价", "disclosure": "at_stage"})
    assert response.status_code == 400 and "disclose_at_stage" in response.context["form"].errors
    assert project.risks.count() == 1 and project.milestones.count() == 1
    assert client.get(reverse("operations:record-add", args=[project.code, "nonsense"])).status_code == 404
    client.force_login(city.company_rep)
    assert client.get(edit).status_code == 404


def test_admin_pages_and_audited_procurement_entry(client, city, project):
    from portal.audit.models import AuditEvent
    from tests.factories import AdminFactory

    client.force_login(AdminFactory(username="t-admin"))
    for name in ("project", "tender", "bid", "integrityflag", "costbenchmark", "ocdsrelease", "partyprofile"):
        assert client.get(reverse(f"admin:operations_{name}_changelist")).status_code == 200
    response = client.post(
        reverse("admin:operations_tender_add"),
        {
            "project": project.pk,
            "reference": "T-ADM",
            "title": "采购",
            "method": "open",
            "deadline": "2021-01-01",
            "lots-TOTAL_FORMS": "1",
            "lots-INITIAL_FORMS": "0",
            "lots-0-number": "1",
            "lots-0-title": "一标段",
            "requirements-TOTAL_FORMS": "0",
            "requirements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Tender.objects.get(reference="T-ADM").lots.count() == 1
    assert AuditEvent.objects.filter(action="ppp.procurement_create").count() == 1
    assert client.get(reverse("admin:operations_project_change", args=[project.pk])).status_code == 200


def test_project_page_query_count_constant(client, city, project):
    from operations import integrity
    from operations.models import Bid
    from tests.operations.conftest import enterprise

    client.force_login(city.manager)
    url = reverse("operations:project", args=[project.code])
    firms = [enterprise(f"t-q{i}", f"企业{i}", f"MA35QQ0{i}") for i in range(6)]

    def add_tender(number):
        tender = Tender.objects.create(
            project=project,
            reference=f"T-Q{number}",
            title="采购",
            deadline=datetime.date(2021, 1, number + 1),
        )
        lot = Lot.objects.create(tender=tender, number=1, title="一标段")
        for firm in firms[number * 2 : number * 2 + 2]:
            Bid.objects.create(lot=lot, bidder=firm, quoted_total=100, deposit_account="same")
        integrity.integrity_check(actor=None, tender=tender)
        services.contract_add(actor=city.manager, project=project, data={"title": f"合同{number}"})

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_tender(0)
    one = count()
    add_tender(1)
    add_tender(2)
    assert count() == one


def test_parties_pages(client, city):
    from operations.models import PartyProfile
    from tests.operations.conftest import uscc

    client.force_login(city.manager)
    assert client.get(reverse("operations:parties")).status_code == 200
    create = reverse("operations:party-create")
    response = client.post(create, {"code": "t-new-co", "name": "新公司", "uscc": "91360900MA35XX0000"})
    assert response.status_code == 400 and "uscc" in response.context["form"].errors
    response = client.post(create, {"code": "t-new-co", "name": "新公司", "uscc": uscc("MA35XX01")})
    assert response.status_code == 302
    profile = reverse("operations:party", args=["t-new-co"])
    assert client.get(profile).status_code == 200
    response = client.post(
        profile,
        {
            "legal_rep_name": "赵六",
            "legal_rep_id_number": "110101199001011237",
            "incorporated_on": "2020-01-01",
        },
    )
    assert response.status_code == 302
    assert PartyProfile.objects.get(unit__code="t-new-co").legal_rep_name == "赵六"
    holding = reverse("operations:shareholding-add")
    response = client.post(holding, {"holder": city.investor.pk, "company": city.spv.pk, "ratio": "0.6"})
    assert response.status_code == 302
    page = client.get(reverse("operations:parties"))
    assert "110101199001011237" not in page.text
    assert f"{city.investor.name} controls {city.spv.name}" in page.text or city.spv.name in page.text
    response = client.post(holding, {"holder": city.spv.pk, "company": city.spv.pk, "ratio": "0.1"})
    assert response.status_code == 400
    assert _get(client, city.agency_official, reverse("operations:parties")).status_code == 403


def test_catalogue_maintained_through_the_pages(client, city):
    from operations.models import CatalogueEntry

    client.force_login(city.manager)
    assert client.get(reverse("operations:catalogue-manage")).status_code == 200
    create = reverse("operations:catalogue-create")
    page = client.get(create)
    assert 'name="allowed_modes"' in page.text
    data = {
        "code": "parking",
        "name": "智慧停车运营",
        "domain": "交通",
        "participation": "wholly",
        "status": "open",
    }
    assert client.post(create, data).status_code == 400  # modes required
    assert client.post(create, {**data, "allowed_modes": ["bot", "tot"]}).status_code == 302
    assert CatalogueEntry.objects.get(code="parking").allowed_modes == ["bot", "tot"]
    edit = reverse("operations:catalogue-edit", args=["parking"])
    assert (
        client.post(
            edit, {**data, "code": "changed", "allowed_modes": ["bot"], "status": "closed"}
        ).status_code
        == 302
    )
    entry = CatalogueEntry.objects.get(code="parking")
    assert entry.status == "closed" and entry.allowed_modes == ["bot"]
    assert _get(client, city.agency_official, reverse("operations:catalogue-manage")).status_code == 403


def test_contract_and_tariff_through_the_forms(client, city, project):
    client.force_login(city.manager)
    contract = reverse("operations:record-add", args=[project.code, "contract"])
    assert client.get(contract).status_code == 200
    response = client.post(
        contract,
        {"title": "PPP合同", "signed_on": "2021-09-01", "value": "1000.50", "counterparty": city.spv.pk},
    )
    assert response.status_code == 302
    tariff = reverse("operations:record-add", args=[project.code, "tariff"])
    response = client.post(
        tariff,
        {
            "item": "首小时",
            "unit": "元/小时",
            "price": "3",
            "valid_from": "2022-01-01",
            "valid_until": "2021-01-01",
        },
    )
    assert response.status_code == 400
    response = client.post(
        tariff, {"item": "首小时", "unit": "元/小时", "price": "3", "valid_from": "2022-01-01"}
    )
    assert response.status_code == 302
    assert str(project.contracts.get().value) == "1000.50" and project.tariffs.count() == 1
