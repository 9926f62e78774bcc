"""The audit trail in admin: listed, filtered and searched, never added, changed or deleted."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from portal.audit.context import audit_context
from portal.audit.models import AuditEvent
from tests.factories import AdminFactory, FunctionalLineFactory, OfficialFactory
from tests.portal.audit.helpers import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(AdminFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def events():
    with audit_context(request_id="req-abc"):
        return record(3, actor=OfficialFactory(username="wang"), obj=FunctionalLineFactory(name="交通"))


def test_even_a_superuser_has_no_add_change_or_delete_permission(events):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = AdminFactory()
    assert model_admin.has_view_permission(request, events[0])
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, events[0])
    assert not model_admin.has_delete_permission(request, events[0])


def test_the_list_filters_and_searches(superuser_client, events):
    url = reverse("admin:audit_auditevent_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3
    assert "delete_selected" not in response.content.decode()
    for params in ({"q": "req-abc"}, {"q": "wang"}, {"q": "交通"}, {"action": "test.event"}):
        response = superuser_client.get(url, params)
        assert response.status_code == 200, params
        assert len(response.context["cl"].result_list) == 3, params
    assert len(superuser_client.get(url, {"q": "nobody"}).context["cl"].result_list) == 0
    response = superuser_client.get(url, {"created_at__gte": "2000-01-01 00:00:00+00:00"})
    assert response.status_code == 200


def test_the_change_page_is_read_only(superuser_client, events):
    event = events[0]
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    with translation.override("en"):
        response = superuser_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert event.hash in html
    assert 'name="_save"' not in html
    response = superuser_client.post(url, {"reason": "rewritten"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_add_and_delete_pages_are_forbidden(superuser_client, events):
    assert superuser_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[events[0].pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.count() == 3


def test_bulk_delete_is_refused(superuser_client, events):
    response = superuser_client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "post": "yes", "_selected_action": [e.pk for e in events]},
    )
    # The admin offers no actions at all (no delete permission), so the POST just shows the list.
    assert response.status_code == 200
    assert "delete_selected" not in response.content.decode()
    assert AuditEvent.objects.count() == 3
