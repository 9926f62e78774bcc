"""The platform: health check, production settings, the custom user, the demo city, login."""

import os
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import CreateModel
from django.db.models import Count
from django.test import override_settings

from coordination.demo import DEMO_PASSWORD
from coordination.models import (
    FunctionalLine,
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
    Position,
    RoleCode,
)
from coordination.permissions import sees_whole_programme
from portal.celery import app as celery_app
from portal.models import User, UserKind
from portal.validators import check_division_code, check_id_number, check_uscc

BASE_DIR = Path(settings.BASE_DIR)


@contextmanager
def celery_broker(url, transport_options):
    """Point the Celery app (which the health check asks) at another broker, then restore it."""
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    # Celery prefers these environment variables over its configuration.
    saved_env = {
        k: os.environ.pop(k) for k in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL") if k in os.environ
    }
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = transport_options
    try:
        with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS=transport_options):
            yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
        os.environ.update(saved_env)


@pytest.fixture
def embedded_broker(tmp_path):
    """The demo's default broker: kombu's filesystem transport (no server)."""
    folders = {name: tmp_path / name for name in ("queue", "processed")}
    for folder in folders.values():
        folder.mkdir()
    with celery_broker(
        "filesystem://",
        {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]),
            "store_processed": False,
        },
    ):
        yield


REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}


# --- Health check --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_is_ok_on_the_embedded_broker(client, embedded_broker):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == connection.vendor
    assert body["broker"]["ok"] is True
    assert "filesystem" in body["broker"]["transport"].lower()
    assert body["notifications"]["undelivered"] == 0
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_anonymous_get_only(client, embedded_broker):
    assert client.post("/healthz").status_code == 405


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_broker_ok_on_redis(client):
    with celery_broker(os.environ["REDIS_URL"], REDIS_OPTIONS):
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["broker"]["ok"] is True
    assert "redis" in body["broker"]["transport"].lower()


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client):
    with celery_broker("redis://127.0.0.1:1/0", REDIS_OPTIONS):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert body["broker"]["error"]
    assert body["database"]["ok"] is True


# --- Production settings ---------------------------------------------------------------------------


def test_check_deploy_with_production_values_reports_nothing(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "portal.example.gov.cn",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "SESSION_COOKIE_SECURE": "true",
        "CSRF_COOKIE_SECURE": "true",
        "VAR_DIR": str(tmp_path),
        # Personal data keys (portal/pii.py): production sets its own, never derived ones.
        "PII_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PII_HASH_KEY": secrets.token_urlsafe(48),
    }
    for test_only in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(test_only, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# --- The custom user -------------------------------------------------------------------------------


def test_auth_user_model_is_the_portal_user():
    assert settings.AUTH_USER_MODEL == "portal.User"
    assert get_user_model() is User


@pytest.mark.django_db
def test_portal_initial_migration_creates_the_user():
    loader = MigrationLoader(connection)
    initial = loader.get_migration("portal", "0001_initial")
    created = [op.name for op in initial.operations if isinstance(op, CreateModel)]
    assert "User" in created
    assert User._meta.db_table in connection.introspection.table_names()


# --- The demo city ---------------------------------------------------------------------------------


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, User, LeadingGroupMember, Position, Nameplate, FunctionalLine)
    }


@pytest.fixture
def demo(db, settings):
    # The demo hashes a password per login; a fast hasher keeps each load to about a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return counts()


def test_seed_demo_twice_creates_nothing_the_second_time(demo, capsys):
    call_command("seed_demo")
    assert "nothing to add" in capsys.readouterr().out
    assert counts() == demo


def test_demo_has_district_governments_and_municipal_departments(demo):
    districts = OrgUnit.objects.filter(kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT)
    assert districts.count() >= 3
    departments = OrgUnit.objects.filter(
        kind__in=[OrgKind.DEPARTMENT, OrgKind.BUREAU], level=OrgLevel.MUNICIPAL
    )
    assert departments.count() >= 26


def test_demo_leading_group_has_three_co_leaders_one_from_an_enterprise(demo):
    group = OrgUnit.objects.get(kind=OrgKind.LEADING_GROUP)
    co_leaders = LeadingGroupMember.objects.filter(group=group, role=LeadingGroupRole.CO_LEADER)
    assert co_leaders.count() == 3
    assert co_leaders.filter(represents__kind=OrgKind.ENTERPRISE).count() == 1
    assert LeadingGroupMember.objects.filter(group=group, role=LeadingGroupRole.OFFICE_DIRECTOR).exists()
    # The mayor's seat is held by the `leader` demo login, who therefore sees the whole programme.
    mayor = co_leaders.get(person_name="陈立明")
    assert mayor.user.username == "leader"
    assert sees_whole_programme(mayor.user)


def test_demo_has_an_office_with_three_nameplates(demo):
    offices = OrgUnit.objects.filter(kind=OrgKind.OFFICE).annotate(plates=Count("nameplates"))
    office = offices.get(plates=3)
    assert office.nameplates.filter(is_primary=True).get().name == office.name


def test_demo_has_the_approval_bureau_and_the_big_data_bureau(demo):
    municipal_bureaus = OrgUnit.objects.filter(kind=OrgKind.BUREAU, level=OrgLevel.MUNICIPAL)
    assert municipal_bureaus.filter(name__contains="行政审批局").exists()
    assert municipal_bureaus.filter(name__contains="大数据局").exists()


def test_demo_has_five_lines_with_provincial_line_superiors(demo):
    lines = (
        OrgUnit.objects.filter(line_superior__level=OrgLevel.PROVINCIAL, level=OrgLevel.MUNICIPAL)
        .values_list("line__code", flat=True)
        .distinct()
    )
    assert len(set(lines)) >= 5
    for unit in OrgUnit.objects.filter(line_superior__isnull=False).select_related("line_superior"):
        assert unit.line_superior.line_id == unit.line_id
        assert unit.line_superior.level == unit.level - 1


OFFICIAL_ROLES = [
    RoleCode.HEAD,
    RoleCode.REVIEWER,
    RoleCode.WINDOW_CLERK,
    RoleCode.LEAD_COORDINATOR,
    RoleCode.SUPERVISOR,
    RoleCode.DATA_STEWARD,
    RoleCode.PPP_MANAGER,
    RoleCode.OFFICE_COORDINATOR,
]


def test_demo_has_an_official_login_for_each_role(demo):
    missing = []
    for role in OFFICIAL_ROLES:
        users = User.objects.filter(positions__roles__code=role, kind=UserKind.OFFICIAL).distinct()
        if not any(u.is_active and u.check_password(DEMO_PASSWORD) for u in users):
            missing.append(role)
    assert missing == []


def test_demo_has_a_login_for_each_outside_kind(demo):
    missing = []
    for kind in (UserKind.CITIZEN, UserKind.ENTERPRISE, UserKind.INTERMEDIARY, UserKind.EVALUATOR):
        if not any(u.check_password(DEMO_PASSWORD) for u in User.objects.filter(kind=kind)):
            missing.append(kind)
    assert missing == []


def test_demo_has_an_admin(demo):
    assert User.objects.filter(is_superuser=True, is_staff=True).exists()


def test_demo_codes_pass_validation(demo):
    usccs = list(OrgUnit.objects.exclude(uscc="").values_list("uscc", flat=True))
    assert usccs
    assert {code: check_uscc(code) for code in usccs} == {code: [] for code in usccs}
    divisions = list(OrgUnit.objects.exclude(division_code="").values_list("division_code", flat=True))
    assert all(check_division_code(code) == [] for code in divisions)
    ids = list(User.objects.exclude(id_number="").values_list("id_number", flat=True))
    assert ids
    assert {code: check_id_number(code) for code in ids} == {code: [] for code in ids}


def test_demo_units_pass_model_validation(demo):
    units = list(OrgUnit.objects.select_related("line", "line_superior"))
    assert units, "the demo loaded no units"
    for unit in units:
        unit.full_clean(exclude=["path", "depth", "numchild"])


def test_demo_tree_is_consistent(demo):
    assert all(problems == [] for problems in OrgUnit.objects.find_problems())


# --- Login ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_answers(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


@pytest.mark.django_db
def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.django_db
def test_demo_login_works(client, demo):
    response = client.post("/accounts/login/", {"username": "head", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
