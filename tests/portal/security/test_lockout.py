"""django-axes: 5 wrong passwords per username + IP lock the login for 30 minutes; audited; admin unlock."""

import pytest
from axes.models import AccessAttempt

from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


def _post(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_username_for_this_ip_even_with_the_right_password(client, settings):
    settings.AXES_FAILURE_LIMIT = 5
    user = UserFactory(username="alice")
    for _ in range(4):
        response = _post(client, "alice", "wrong")
        assert response.status_code == 200
        assert "match. Please try again" in response.content.decode()
    response = _post(client, "alice", "wrong")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 30 * 60
    assert "Too many failed logins" in response.content.decode()
    # The right password no longer gets in from this address ...
    response = _post(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... but does from another one (the lock is per username + IP).
    response = _post(client, "alice", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failures_and_lockout_are_audited(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(username="bob")
    _post(client, "bob", "wrong")
    _post(client, "bob", "wrong")
    actions = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert actions.count("auth.login_failed") == 2
    assert "auth.locked_out" in actions
    failed = AuditEvent.objects.filter(action="auth.login_failed").first()
    assert failed.after == {"username": "bob"}
    assert failed.ip == "10.0.0.1"
    assert "wrong" not in str(failed.after)


def test_successful_login_and_logout_are_audited(client):
    user = UserFactory(username="carol")
    _post(client, "carol", PASSWORD)
    client.post("/accounts/logout/")
    actions = list(
        AuditEvent.objects.filter(object_id=str(user.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["auth.login", "auth.logout"]


def test_admin_lifts_the_lockout_from_the_user_admin(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(username="dave")
    _post(client, "dave", "wrong")
    _post(client, "dave", "wrong")
    assert AccessAttempt.objects.filter(username="dave").exists()
    admin = AdminFactory(username="root")
    admin_client = client.__class__()
    admin_client.force_login(admin)
    response = admin_client.post(
        "/admin/portal/user/", {"action": "lift_lockout", "_selected_action": [user.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not AccessAttempt.objects.filter(username="dave").exists()
    assert AuditEvent.objects.filter(action="auth.unlocked", object_id=str(user.pk), actor=admin).exists()
    assert _post(client, "dave", PASSWORD).status_code == 302
