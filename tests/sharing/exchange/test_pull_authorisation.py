"""The X-Road-style matrix: every refusal is refused with its reason AND logged (one row per call);
a valid call returns only the approved items, also after the provider adds an item."""

import datetime

import pytest

from sharing import services as sharing_services
from sharing.exchange import services
from sharing.exchange.models import AccessLog
from sharing.models import Agreement, AgreementStatus, DataResource, DataType
from tests.factories import OrgUnitFactory, staff
from tests.sharing.conftest import published

from .conftest import APPROVED, URL, approve, last_log, pull

pytestmark = pytest.mark.django_db


def one_more_log(before: int) -> AccessLog:
    assert AccessLog.objects.count() == before + 1
    return last_log()


def test_valid_call_returns_only_approved_items_and_is_logged(client, world, resource, agreement, token):
    before = AccessLog.objects.count()
    response = pull(client, resource.code, token)
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == list(APPROVED)
    assert body["count"] == 7
    assert all(set(r["data"]) == set(APPROVED) for r in body["results"])
    assert body["results"][0]["key"] == "110101199001000001"
    assert body["results"][0]["disputed"] is False
    log = one_more_log(before)
    assert (log.status, log.outcome, log.records) == (200, "ok", 7)
    assert log.bytes == len(response.content)
    assert (log.consumer, log.provider, log.resource, log.agreement) == (
        world.civil,
        world.police,
        resource,
        agreement,
    )
    assert (log.purpose, log.end_user) == ("低保审核 2026-001", "张三")
    assert log.credential.prefix == token.split(".")[0]
    assert log.request_id == response["X-Request-ID"]
    assert log.client_ip == "127.0.0.1"
    assert log.time_in <= log.time_out


def test_new_provider_item_is_not_returned(client, world, resource, agreement, token):
    sharing_services.resource_revise(actor=world.provider, resource=resource)
    sharing_services.item_save(
        actor=world.provider,
        resource=resource,
        data={"code": "phone", "name": "电话", "data_type": DataType.STRING, "is_key": False, "order": 9},
    )
    rows = [{**r.data, "phone": "13800000000"} for r in resource.records.all()]
    services.records_load(actor=world.provider, resource=resource, rows=rows)
    body = pull(client, resource.code, token).json()
    assert body["items"] == list(APPROVED)
    assert all("phone" not in r["data"] for r in body["results"])


def _refused(client, before, response, status, outcome):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == outcome and body["detail"]
    log = one_more_log(before)
    assert (log.status, log.outcome, log.records) == (status, outcome, 0)
    return log


def test_no_credential(client, resource, agreement):
    before = AccessLog.objects.count()
    response = pull(client, resource.code)
    log = _refused(client, before, response, 401, "credential_required")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert log.credential is None


@pytest.mark.parametrize("bad", ["nonsense", "abcdef012345.wrong-secret", "x.y.z"])
def test_bad_key(client, resource, agreement, token, bad):
    before = AccessLog.objects.count()
    if bad == "abcdef012345.wrong-secret":
        bad = token.split(".")[0] + ".wrong-secret"
    log = _refused(client, before, pull(client, resource.code, bad), 401, "invalid_credential")
    # Nobody is authenticated, but the provider of the data asked for sees the attempt.
    assert (log.credential, log.consumer, log.resource, log.provider) == (
        None,
        None,
        resource,
        resource.provider,
    )


@pytest.mark.parametrize("missing", ["purpose", "end_user"])
def test_missing_headers(client, resource, agreement, token, missing):
    before = AccessLog.objects.count()
    response = pull(client, resource.code, token, **{missing: None})
    log = _refused(client, before, response, 400, f"{missing}_required")
    assert log.agreement == agreement


@pytest.mark.parametrize(
    ("service", "outcome"),
    [("agreement_suspend", "agreement_suspended"), ("agreement_revoke", "agreement_revoked")],
)
def test_suspended_or_revoked_agreement(client, world, resource, agreement, token, service, outcome):
    getattr(sharing_services, service)(actor=world.provider, agreement=agreement, reason="核查")
    before = AccessLog.objects.count()
    _refused(client, before, pull(client, resource.code, token), 403, outcome)


def test_expired_agreement(client, world, resource, agreement, token):
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.EXPIRED)
    before = AccessLog.objects.count()
    _refused(client, before, pull(client, resource.code, token), 403, "agreement_expired")


def test_agreement_past_its_end_though_not_yet_swept(client, world, resource, agreement, token):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    Agreement.objects.filter(pk=agreement.pk).update(valid_until=yesterday, review_on=yesterday)
    before = AccessLog.objects.count()
    _refused(client, before, pull(client, resource.code, token), 403, "agreement_expired")


def test_revoked_and_expired_credentials(client, world, resource, agreement, token):
    credential = agreement.credentials.get()
    services.credential_revoke(actor=world.consumer, credential=credential, reason="系统下线")
    before = AccessLog.objects.count()
    _refused(client, before, pull(client, resource.code, token), 401, "credential_revoked")
    _cred, fresh = services.credential_issue(actor=world.consumer, agreement=agreement, label="新系统")
    type(credential).objects.filter(prefix=fresh.split(".")[0]).update(
        expires_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    _refused(client, before + 1, pull(client, resource.code, fresh), 401, "credential_expired")


def test_another_consumers_key(client, world, resource, agreement, token):
    """The health commission's system presents the civil-affairs bureau's key."""
    before = AccessLog.objects.count()
    log = _refused(
        client,
        before,
        pull(client, resource.code, token, HTTP_X_CONSUMER=world.health.code),
        403,
        "consumer_mismatch",
    )
    assert log.consumer == world.civil  # the key's owner, so the provider sees whose key leaked


def test_wrong_resource_and_no_agreement(client, world, resource, agreement, token):
    other = published(world, code="A01-01-01-0002", name="婚姻登记信息")
    before = AccessLog.objects.count()
    hospital_data = published(world, code="A01-01-01-0003", name="医院床位")
    DataResource.objects.filter(pk=hospital_data.pk).update(provider=world.health)
    hospital_data.refresh_from_db()
    log = _refused(client, before, pull(client, hospital_data.code, token), 403, "no_agreement")
    assert (log.resource, log.provider, log.consumer) == (hospital_data, world.health, world.civil)
    before += 1
    log = _refused(client, before, pull(client, other.code, token), 403, "no_agreement")
    assert log.resource == other
    approve(world, other, codes=("id_number", "name"))
    _refused(client, before + 1, pull(client, other.code, token), 403, "wrong_resource")


def test_unknown_resource(client, resource, agreement, token):
    before = AccessLog.objects.count()
    log = _refused(client, before, pull(client, "A09-09-09-9999", token), 404, "resource_not_found")
    assert log.resource is None and log.resource_code == "A09-09-09-9999"


def test_a_session_is_not_a_credential(client, world, resource, agreement):
    client.force_login(world.consumer)
    before = AccessLog.objects.count()
    _refused(client, before, pull(client, resource.code), 401, "credential_required")


def test_credential_of_a_superseded_agreement(client, world, resource, agreement, token):
    sharing_services.agreement_renew(
        actor=world.provider, agreement=agreement, terms={"valid_until": datetime.date(2031, 6, 30)}
    )
    before = AccessLog.objects.count()
    _refused(client, before, pull(client, resource.code, token), 403, "agreement_superseded")


def test_other_units_agreement_is_unaffected(client, world, resource, agreement, token):
    """A second consumer with its own agreement and key gets its own approved items only."""
    hospital = OrgUnitFactory(code="yx-hospital", name="云溪市人民医院", parent=world.city)
    steward = staff(hospital, "data_steward", "hospital-steward")
    other = approve(world, resource, codes=("id_number", "birth_date"), consumer=hospital, steward=steward)
    _cred, other_token = services.credential_issue(actor=steward, agreement=other, label="HIS")
    assert pull(client, resource.code, other_token).json()["items"] == ["id_number", "birth_date"]
    assert pull(client, resource.code, token).json()["items"] == list(APPROVED)


def test_url_shape(resource):
    assert URL.format(code=resource.code) == f"/api/exchange/resources/{resource.code}/records/"


def test_utf8_header_bytes_are_logged_as_text(client, resource, agreement, token):
    """WSGI decodes header bytes as Latin-1; a client's UTF-8 purpose is logged as it was meant."""
    raw = "低保审核 MZ-2026-0042".encode().decode("latin-1")
    assert pull(client, resource.code, token, purpose=raw).status_code == 200
    assert last_log().purpose == "低保审核 MZ-2026-0042"


def test_openapi_schema_names_the_endpoints_and_the_credential(client, world):
    client.force_login(world.official)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/exchange/resources/{code}/records/" in schema["paths"]
    assert "/api/exchange/resources/{code}/records/export" in schema["paths"]
    assert schema["components"]["securitySchemes"]["exchangeCredential"]["scheme"] == "bearer"
    get = schema["paths"]["/api/exchange/resources/{code}/records/"]["get"]
    assert {"X-Purpose", "X-End-User"} <= {p["name"] for p in get["parameters"]}
