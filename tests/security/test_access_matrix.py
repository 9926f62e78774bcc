"""Every route × every role gets exactly the outcome tests/security/matrix.py declares.

The world is the demo city (tests/security/world.py), built once for the module inside a
transaction that is rolled back at the end; every request runs in a savepoint that is rolled back
too, so a POST that succeeds changes nothing for the next cell.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from portal.models import User
from tests.conftest import ensure_calendar_seed
from tests.security.matrix import MATRIX
from tests.security.routes import ARGS
from tests.security.walk import OK, outcome, route_names
from tests.security.world import ROLES, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        ensure_calendar_seed()
        built = build_world()
        yield built
        transaction.set_rollback(True)


def test_every_route_has_a_row():
    missing = [name for name in route_names() if name not in MATRIX]
    assert not missing, f"routes with no row in tests/security/matrix.py: {missing}"
    stale = [name for name in MATRIX if name not in route_names()]
    assert not stale, f"rows for routes that no longer exist: {stale}"
    empty = [name for name, row in MATRIX.items() if not row or set(row) - set(METHODS)]
    assert not empty, f"rows without a method (or with an unknown one): {empty}"


def _schema_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method.upper() in METHODS:
                yield path, method.upper()


def test_every_api_operation_has_a_cell():
    """The OpenAPI schema's operations, resolved to their routes, each have the method's row."""
    missing = []
    for path, method in _schema_operations():
        concrete = re.sub(r"\{[^}]+\}", _placeholder, path)
        match = resolve(concrete)
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        if method not in MATRIX.get(name, {}):
            missing.append(f"{method} {path} ({name})")
    assert not missing, f"API operations with no cell in tests/security/matrix.py: {missing}"


def _placeholder(match) -> str:
    """A value every kind of path parameter accepts: a number for ids, a UUID for the rest."""
    return "1" if match.group(0) in ("{id}", "{pk}") else "00000000-0000-0000-0000-000000000000"


def _cases():
    for name in route_names():
        for method in MATRIX.get(name, {}):
            yield pytest.param(name, method, id=f"{method} {name}")


@pytest.mark.parametrize(("name", "method"), list(_cases()))
def test_route_answers_each_role_as_declared(world, name, method):
    kwargs = ARGS[name](world) if name in ARGS else {}
    url = reverse(name, kwargs=kwargs)
    expected = MATRIX[name][method]
    wrong = {}
    for role, username in ROLES.items():
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(User.objects.get(username=username))
        caches["default"].clear()  # rate limits count per test, not across the matrix
        with transaction.atomic():
            response = client.generic(
                method, url, data="{}" if method != "GET" else "", content_type="application/json"
            )
            transaction.set_rollback(True)
        got = outcome(response)
        if got != expected[role]:
            wrong[role] = f"expected {expected[role]}, got {got} ({response.status_code})"
    assert not wrong, f"{method} {url}: {wrong}"


def test_a_served_cell_really_serves(world):
    """The matrix would be vacuous if OK were what every request got: check it discriminates."""
    outcomes = {cell for row in MATRIX.values() for cells in row.values() for cell in cells.values()}
    assert OK in outcomes and len(outcomes) >= 4


def test_the_admin_site_answers_only_to_staff(world):
    for username, served in (("citizen", False), ("reviewer", False), ("admin", True)):
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get("/admin/")
        assert (response.status_code == 200) is served, username
        if not served:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Client().get("/admin/").status_code == 302
