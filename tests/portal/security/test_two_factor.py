"""TOTP two-factor: required for admins and supervisors, optional for others; enrol, verify,
backup codes, reset."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination.models import RoleCode
from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, AdminFactory, OfficialFactory, OrgUnitFactory, UserFactory, staff

from .helpers import totp_device, totp_now

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforce(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def test_an_admin_without_a_device_must_enrol_before_anything_else(client):
    AdminFactory(username="root")
    _login(client, "root")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/enrol/?next=")
    assert client.get("/api/org/units/").status_code == 403

    page = client.get("/accounts/two-factor/enrol/")
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user__username="root", confirmed=False)
    wrong = client.post(
        "/accounts/two-factor/enrol/", {"otp_token": "000000" if totp_now(device) != "000000" else "111111"}
    )
    assert b"not right" in wrong.content
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp's back-off after a wrong code
    device.throttle_reset()
    done = client.post("/accounts/two-factor/enrol/", {"otp_token": totp_now(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r'<li class="col-6">(\w+)</li>', done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", object_id=str(device.user_id)).exists()


def test_a_supervisor_must_verify_with_the_code_after_the_password(client):
    supervisor = staff(OrgUnitFactory(), RoleCode.SUPERVISOR, "sup")
    device = totp_device(supervisor)
    _login(client, "sup")
    response = client.get("/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    # A password alone does not let one enrol a new device over the old one.
    assert client.get("/accounts/two-factor/enrol/")["Location"].endswith("/accounts/two-factor/verify/")
    bad = client.post("/accounts/two-factor/verify/", {"otp_token": "12345"})
    assert b"not right" in bad.content
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/accounts/two-factor/verify/", {"otp_token": totp_now(device), "next": "/deadlines/"})
    assert ok.status_code == 302 and ok["Location"] == "/deadlines/"
    assert client.get("/").status_code == 200
    assert list(
        AuditEvent.objects.filter(object_id=str(supervisor.pk), action__startswith="auth.otp")
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["auth.otp_failed", "auth.otp_verified"]


def test_a_backup_code_works_once(client):
    admin = AdminFactory(username="root")
    totp_device(admin)
    static = StaticDevice.objects.create(user=admin, name="backup")
    static.token_set.create(token="abcd1234")
    _login(client, "root")
    assert client.post("/accounts/two-factor/verify/", {"otp_token": "abcd1234"}).status_code == 302
    client.post("/accounts/logout/")
    _login(client, "root")
    assert client.post("/accounts/two-factor/verify/", {"otp_token": "abcd1234"}).status_code == 200
    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")


def test_other_officials_and_applicants_need_no_second_factor_but_may_enrol(client):
    OfficialFactory(username="clerk")
    _login(client, "clerk")
    assert client.get("/").status_code == 200
    page = client.get("/accounts/two-factor/")
    assert b"Set up two-factor authentication" in page.content


def test_an_applicant_who_enrolled_verifies_and_may_switch_it_off(client):
    citizen = UserFactory(username="citizen1")
    device = totp_device(citizen)
    _login(client, "citizen1")
    assert client.get("/")["Location"].startswith("/accounts/two-factor/verify/")
    client.post("/accounts/two-factor/verify/", {"otp_token": totp_now(device)})
    client.post("/accounts/two-factor/", {"action": "disable"})
    assert not TOTPDevice.objects.filter(user=citizen).exists()


def test_an_admin_resets_a_users_devices(client):
    supervisor = staff(OrgUnitFactory(), RoleCode.SUPERVISOR, "sup")
    totp_device(supervisor)
    admin = AdminFactory(username="root")
    client.force_login(admin)
    # force_login marks the session as owing a second factor (the admin is enrolled): clear it.
    session = client.session
    session.pop("security_2fa_pending", None)
    session.save()
    response = client.post(
        "/admin/portal/user/", {"action": "reset_two_factor", "_selected_action": [supervisor.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert AuditEvent.objects.filter(
        action="auth.otp_reset", object_id=str(supervisor.pk), actor=admin
    ).exists()


def test_enforcement_switch_off_lets_admins_in_with_the_password(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    AdminFactory(username="root")
    _login(client, "root")
    assert client.get("/admin/").status_code == 200
