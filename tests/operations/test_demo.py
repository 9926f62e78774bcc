import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from operations import ocds
from operations.demo import CODES, load_demo
from operations.models import IntegrityFlag, Project, Regime, StageTransition
from operations.selectors import project_list
from portal.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city(db):
    from coordination.demo import DemoLoader

    DemoLoader().load()


def test_demo_loads_once(demo_city, client):
    assert "4 projects" in load_demo()
    assert "already" in load_demo()
    projects = Project.objects.filter(code__in=CODES)
    assert sorted(projects.values_list("regime", flat=True)) == sorted(
        [Regime.LEGACY_PPP, Regime.LEGACY_PPP, Regime.CONCESSION_2024, Regime.SERVICE_PURCHASE]
    )
    assert StageTransition.objects.filter(project__code="yx-ppp-parking").count() == 4
    assert IntegrityFlag.objects.filter(tender__project__code="yx-ppp-parking").count() >= 2
    ppp = User.objects.get(username="ppp")
    assert project_list(user=ppp).count() == 4
    enterprise = User.objects.get(username="enterprise")
    assert list(project_list(user=enterprise).values_list("code", flat=True)) == ["yx-ppp-ioc"]
    client.force_login(ppp)
    assert client.get(reverse("operations:project", args=["yx-ppp-parking"])).status_code == 200
    client.logout()
    assert client.get(reverse("operations:public-project", args=["yx-ppp-parking"])).status_code == 200


def test_demo_export_is_valid(demo_city):
    from tests.operations.test_ocds import PACKAGE_SCHEMA, RELEASE_SCHEMA

    load_demo()
    if not PACKAGE_SCHEMA.exists():
        pytest.skip("OCDS-for-PPPs schema not found")
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release_schema = json.loads(RELEASE_SCHEMA.read_text())
    registry = Registry().with_resource(release_schema["id"], Resource.from_contents(release_schema, DRAFT4))
    validator = Draft4Validator(json.loads(PACKAGE_SCHEMA.read_text()), registry=registry)
    for project in Project.objects.filter(code__in=CODES):
        package = json.loads(json.dumps(ocds.release_package(project, uri="https://portal.example/r.json")))
        package["releases"].append(ocds.compiled_release(project))
        errors = [
            f"{list(e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(json.loads(json.dumps(package)))
        ]
        assert errors == [], errors


def test_seed_demo_command_includes_ppp(db):
    call_command("seed_demo")
    assert Project.objects.filter(code__in=CODES).count() == 4
