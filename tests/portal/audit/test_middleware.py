"""The request context: X-Request-ID in and out, the client IP, both carried by audit events."""

import re

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from portal.audit.context import audit_context, current_context
from portal.audit.models import AuditEvent
from tests.factories import AdminFactory, OfficialFactory

pytestmark = pytest.mark.django_db

HEX32 = re.compile(r"[0-9a-f]{32}")


def test_every_response_carries_a_generated_request_id(client):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    assert HEX32.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_well_formed_request_id_is_kept(client):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="edge-7f3a.01:abc")
    assert response["X-Request-ID"] == "edge-7f3a.01:abc"


@pytest.mark.parametrize("given", ["x" * 65, "bad id", "<script>", "a\u00e9b", ""])
def test_a_malformed_request_id_is_replaced(client, given):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID=given)
    assert HEX32.fullmatch(response["X-Request-ID"])


def api_client(**defaults):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", **defaults)
    client.force_login(AdminFactory())
    return client


def create_unit(client, code="new-unit", **headers):
    response = client.post(
        "/api/org-units/", {"code": code, "name": "新单位", "kind": "institution"}, format="json", **headers
    )
    assert response.status_code == 201, response.content
    return response


def test_an_event_written_during_a_request_carries_its_request_id_and_ip():
    client = api_client(REMOTE_ADDR="192.0.2.10")
    response = create_unit(client)
    event = AuditEvent.objects.get(action="orgunit.create")
    assert event.request_id == response["X-Request-ID"]
    assert event.ip == "192.0.2.10"


def test_the_request_id_given_by_a_proxy_reaches_the_event():
    client = api_client(REMOTE_ADDR="192.0.2.10")
    create_unit(client, HTTP_X_REQUEST_ID="lb-1234")
    assert AuditEvent.objects.get(action="orgunit.create").request_id == "lb-1234"


def test_x_forwarded_for_is_ignored_unless_trusted():
    client = api_client(REMOTE_ADDR="10.0.0.2")
    create_unit(client, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AuditEvent.objects.get(action="orgunit.create").ip == "10.0.0.2"


@override_settings(AUDIT_TRUST_X_FORWARDED_FOR=True)
def test_trusted_x_forwarded_for_gives_the_address_the_proxy_saw():
    client = api_client(REMOTE_ADDR="10.0.0.2")
    # The client forged the first entry; the proxy appended the address it really saw.
    create_unit(client, HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.5")
    assert AuditEvent.objects.get(action="orgunit.create").ip == "203.0.113.5"


@override_settings(AUDIT_TRUST_X_FORWARDED_FOR=2)
def test_with_two_trusted_proxies_the_second_entry_from_the_right_is_the_client():
    client = api_client(REMOTE_ADDR="10.0.0.2")
    create_unit(client, HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.5, 10.0.0.1")
    assert AuditEvent.objects.get(action="orgunit.create").ip == "203.0.113.5"


@override_settings(AUDIT_TRUST_X_FORWARDED_FOR=True)
def test_a_garbled_x_forwarded_for_falls_back_to_remote_addr():
    client = api_client(REMOTE_ADDR="10.0.0.2")
    create_unit(client, HTTP_X_FORWARDED_FOR="not-an-ip")
    assert AuditEvent.objects.get(action="orgunit.create").ip == "10.0.0.2"


def test_ipv6_addresses_are_stored_normalised():
    client = api_client(REMOTE_ADDR="2001:DB8:0:0::1")
    create_unit(client)
    assert AuditEvent.objects.get(action="orgunit.create").ip == "2001:db8::1"


def test_the_context_is_reset_after_the_request(client):
    client.force_login(OfficialFactory())
    client.get("/accounts/login/")
    assert current_context().request_id == ""


def test_audit_context_for_tasks_and_commands():
    with audit_context(request_id="task-42", ip="bad") as context:
        assert current_context() == context
        assert context.request_id == "task-42" and context.ip is None
        with audit_context() as inner:
            assert HEX32.fullmatch(inner.request_id)
        assert current_context().request_id == "task-42"
    assert current_context().request_id == ""
