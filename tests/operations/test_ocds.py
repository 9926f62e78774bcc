"""The OCDS export: its own structure always; validity against the OCDS-for-PPPs schema when the
schema is present beside the repository (../shared/ocds/, as in CI)."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from operations import ocds, services
from operations.models import Allocation, Disclosure, DocumentKind, RiskCategory, Stage

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(settings.BASE_DIR).parent / "shared" / "ocds"
PACKAGE_SCHEMA = SCHEMA_DIR / "ppp-release-package-schema.json"
RELEASE_SCHEMA = SCHEMA_DIR / "ppp-release-schema.json"


@pytest.fixture
def full_project(city, project):
    from tests.operations.test_integrity import holding

    holding(city.investor, city.spv, "0.80")
    services.document_add(
        actor=city.manager, project=project, data={"kind": DocumentKind.VFM, "title": "物有所值评价"}
    )
    services.document_add(
        actor=city.manager,
        project=project,
        data={"kind": DocumentKind.OTHER, "title": "内部测算", "disclosure": Disclosure.NEVER},
    )
    services.risk_add(
        actor=city.manager,
        project=project,
        data={"category": RiskCategory.DEMAND, "description": "需求不足", "allocation": Allocation.SHARED},
    )
    services.milestone_save(
        actor=city.manager,
        project=project,
        data={"title": "融资交割", "planned_on": datetime.date(2021, 12, 31)},
    )
    services.project_transition(
        actor=city.manager, project=project, to_stage=Stage.PREPARATION, on=datetime.date(2020, 6, 1)
    )
    services.project_update(
        actor=city.manager,
        project=project,
        data={
            "project_company": city.spv,
            "contract_signed_on": datetime.date(2021, 9, 1),
            "published": True,
        },
    )
    services.contract_add(
        actor=city.manager,
        project=project,
        data={"title": "PPP合同", "signed_on": datetime.date(2021, 9, 1), "value": Decimal("180000000.50")},
    )
    project.refresh_from_db()
    return project


def test_record_package_structure(full_project, city):
    package = ocds.record_package(
        full_project, uri="https://x/record.json", releases_uri="https://x/releases.json"
    )
    assert package["version"] == "1.1"
    (record,) = package["records"]
    assert record["ocid"] == "ocds-yx0ppp-YX-t-parking"
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"] and compiled["ocid"] == record["ocid"]
    roles = {p["name"]: p["roles"] for p in compiled["parties"]}
    assert roles[city.agency.name] == ["buyer", "procuringEntity"]
    assert "projectCompany" in roles[city.spv.name] and roles[city.investor.name] == ["equityInvestor"]
    company = next(p for p in compiled["parties"] if p["name"] == city.spv.name)
    assert company["id"] == f"CN-USCC-{city.spv.uscc}" and company["shareholders"][0]["shareholding"] == 0.8
    project = compiled["planning"]["project"]
    assert project["totalValue"] == {"amount": 180000000, "currency": "CNY"}
    assert {c["scheme"] for c in project["additionalClassifications"]} >= {"X-CN-PPP-MODE", "X-CN-PPP-REGIME"}
    assert [d["title"] for d in compiled["planning"]["documents"]] == [
        "物有所值评价"
    ]  # never-disclosed left out
    assert compiled["planning"]["milestones"][0]["status"] == "notMet"
    (contract,) = compiled["contracts"]
    assert contract["value"]["amount"] == 180000000.5
    assert contract["riskAllocation"][0]["allocation"] == "undefined"
    assert "implementation" not in contract  # empty until the performance app adds transactions
    assert len(record["releases"]) == full_project.ocds_releases.count() >= 8
    assert all(r["url"].startswith("https://x/releases.json#") for r in record["releases"])


def test_every_change_records_a_release_with_its_sections(full_project):
    releases = list(full_project.ocds_releases.order_by("id"))
    assert releases[0].tags == ["planning"]
    assert any("risks" in r.sections for r in releases)
    assert any(r.tags == ["contract"] for r in releases)
    ids = [r.release_id for r in releases]
    assert len(ids) == len(set(ids))
    stage = next(r for r in releases if r.data["date"].startswith("2020-06-01"))
    assert stage.tags == ["planningUpdate"]


def test_no_personal_data_in_export(full_project, city):
    services.party_profile_save(
        actor=None,
        unit=city.spv,
        data={"legal_rep_name": "张三", "legal_rep_id_number": "110101199001011237"},
    )
    text = json.dumps(ocds.compiled_release(full_project), ensure_ascii=False)
    assert "110101199001011237" not in text and "张三" not in text


@override_settings(PPP_OCID_PREFIX="ocds-abc123-")
def test_ocid_prefix_is_a_setting(project):
    assert ocds.ocid(project) == "ocds-abc123-t-parking"


def test_contract_hook(full_project):
    def hook(project, contract):
        contract["implementation"]["transactions"].append({"id": "T1"})

    ocds.register_contract_hook(hook)
    try:
        assert ocds.compiled_release(full_project)["contracts"][0]["implementation"]["transactions"] == [
            {"id": "T1"}
        ]
    finally:
        ocds._contract_hooks.remove(hook)


@pytest.mark.skipif(not PACKAGE_SCHEMA.exists(), reason=f"OCDS-for-PPPs schema not found at {SCHEMA_DIR}")
def test_release_package_valid_against_ppp_schema(full_project):
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package_schema = json.loads(PACKAGE_SCHEMA.read_text())
    release_schema = json.loads(RELEASE_SCHEMA.read_text())
    registry = Registry().with_resource(release_schema["id"], Resource.from_contents(release_schema, DRAFT4))
    validator = Draft4Validator(package_schema, registry=registry)
    package = json.loads(
        json.dumps(ocds.release_package(full_project, uri="https://portal.example/releases.json"))
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(package)]
    assert errors == [], errors
    compiled = {**package, "releases": [ocds.compiled_release(full_project)]}
    compiled = json.loads(json.dumps(compiled))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compiled)]
    assert errors == [], errors
