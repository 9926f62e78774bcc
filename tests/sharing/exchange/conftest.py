"""An approved agreement (province police → city civil affairs, 3 of 5 items), records, a credential."""

import datetime

import pytest

from sharing import services as sharing_services
from sharing.exchange import services
from sharing.exchange.models import AccessLog
from tests.sharing.conftest import drafted, items_of, published

D = datetime.date
APPROVED = ("id_number", "name", "address")
UNTIL = D(2030, 12, 31)
URL = "/api/exchange/resources/{code}/records/"


def approve(world, resource, codes=APPROVED, consumer=None, steward=None, until=UNTIL):
    request = drafted(world, resource)
    if consumer is not None:
        request.consumer = consumer
        request.save(update_fields=["consumer"])
    sharing_services.request_submit(actor=steward or world.consumer, request=request)
    sharing_services.request_authority_check(actor=world.authority, request=request, passed=True)
    sharing_services.request_provider_decide(
        actor=world.provider,
        request=request,
        decision="approve",
        items=items_of(resource, *codes),
        terms={"valid_from": D(2026, 1, 1), "valid_until": until, "retention_days": 90},
    )
    return request.agreements.get()


ROWS = [
    {
        "id_number": f"1101011990010{n:05d}",
        "name": f"居民{n}",
        "birth_date": "1990-01-01",
        "address": f"云溪市{n}号",
        "marital": "未婚",
        "household": f"H{n}",
    }
    for n in range(1, 8)
]


@pytest.fixture
def resource(world):
    return published(world)


@pytest.fixture
def agreement(world, resource):
    agreement = approve(world, resource)
    services.records_load(actor=world.provider, resource=resource, rows=ROWS)
    return agreement


@pytest.fixture
def token(world, agreement):
    _credential, token = services.credential_issue(
        actor=world.consumer, agreement=agreement, label="低保系统"
    )
    return token


def pull(client, code, token=None, purpose="低保审核 2026-001", end_user="张三", url=None, **headers):
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if purpose is not None:
        headers["HTTP_X_PURPOSE"] = purpose
    if end_user is not None:
        headers["HTTP_X_END_USER"] = end_user
    return client.get(url or URL.format(code=code), **headers)


def last_log() -> AccessLog:
    return AccessLog.objects.order_by("-sequence").first()
