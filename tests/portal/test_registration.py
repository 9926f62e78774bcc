"""Applicants register themselves; their identification codes are checked."""

import pytest

from portal.audit.models import AuditEvent
from portal.models import User, UserKind

pytestmark = pytest.mark.django_db

BASE = {
    "username": "zhangsan",
    "full_name": "张三",
    "phone": "13800138000",
    "email": "zs@example.com",
    "password1": "Xq7!registration-2026",
    "password2": "Xq7!registration-2026",
}


def test_a_citizen_registers_and_is_logged_in(client):
    response = client.post(
        "/accounts/register/", {**BASE, "kind": "citizen", "id_number": "11010519491231002x"}
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert (user.kind, user.id_number, user.uscc) == (UserKind.CITIZEN, "11010519491231002X", "")
    assert client.get("/apply/mine/").status_code == 200
    assert AuditEvent.objects.filter(action="account.register", object_id=str(user.pk)).exists()


def test_an_enterprise_registers_with_its_credit_code(client):
    response = client.post(
        "/accounts/register/",
        {**BASE, "kind": "enterprise", "organisation_name": "云溪面馆有限公司", "uscc": "91350100M000100Y43"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert (user.kind, user.uscc, user.id_number) == (UserKind.ENTERPRISE, "91350100M000100Y43", "")


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"kind": "citizen", "id_number": "110105194912310021"}, "id_number", "should be X"),
        ({"kind": "citizen"}, "id_number", "resident ID number"),
        (
            {"kind": "enterprise", "organisation_name": "某公司", "uscc": "91350100M000100Y44"},
            "uscc",
            "should be 3",
        ),
        ({"kind": "enterprise", "uscc": "91350100M000100Y43"}, "organisation_name", "registered name"),
    ],
)
def test_bad_codes_get_a_clear_message_and_no_account(client, data, field, fragment):
    response = client.post("/accounts/register/", {**BASE, **data}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any(fragment in str(e) for e in response.context["form"].errors[field])
    assert not User.objects.filter(username="zhangsan").exists()


def test_the_page_renders_in_chinese_by_default(client):
    response = client.get("/accounts/register/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
