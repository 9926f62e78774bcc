"""Officials are logged out after OFFICIAL_IDLE_TIMEOUT_MINUTES idle; applicants are not."""

import pytest

from portal.audit.models import AuditEvent
from portal.security.middleware import SESSION_LAST_SEEN
from tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db


def _age_session(client, seconds):
    session = client.session
    session[SESSION_LAST_SEEN] = session[SESSION_LAST_SEEN] - seconds
    session.save()


def test_an_idle_official_is_logged_out(client, settings):
    settings.OFFICIAL_IDLE_TIMEOUT_MINUTES = 30
    official = OfficialFactory()
    client.force_login(official)
    assert client.get("/").status_code == 200
    _age_session(client, 29 * 60)
    assert client.get("/").status_code == 200  # still active: 29 minutes
    _age_session(client, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    logout = AuditEvent.objects.get(action="auth.logout", object_id=str(official.pk))
    assert logout.reason == "idle"


def test_an_applicant_keeps_the_normal_session(client, settings):
    settings.OFFICIAL_IDLE_TIMEOUT_MINUTES = 30
    citizen = UserFactory()
    client.force_login(citizen)
    client.get("/")
    assert SESSION_LAST_SEEN not in client.session
    session = client.session
    session[SESSION_LAST_SEEN] = 0  # even a stale mark does not apply to applicants
    session.save()
    assert client.get("/").status_code == 200


def test_the_polling_notification_badge_is_not_activity(client, settings):
    settings.OFFICIAL_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(OfficialFactory())
    client.get("/")
    _age_session(client, 31 * 60)
    client.get("/notifications/badge/", HTTP_HX_REQUEST="true")
    assert "_auth_user_id" not in client.session
