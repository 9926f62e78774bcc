"""Demo exchange data, loaded by `manage.py seed_demo` after the sharing demo (INSTALLED_APPS order).

Records for every resource that has an agreement, one API credential for the civil-affairs
bureau's population agreement (a fixed demo token, printed in the summary, so that it works after
every `make demo`), a few calls made through the real API code path (so the usage log and the
statistics have rows, refused calls included), one objection in MARKED state and one return-flow
run. Idempotent: each part is skipped when it is already there.
"""

from __future__ import annotations

import datetime
import logging

from django.test import Client

from portal.models import User
from sharing import permissions as sp
from sharing.models import Agreement, AgreementStatus, DataResource

from . import services
from .models import AccessLog, ApiCredential, DataRecord, Objection, ObjectionState, ReturnFlowRun
from .services.credentials import hash_secret

SCENARIO_RESOURCE = "A01-01-01-0001"
SCENARIO_CONSUMER = "yx-civil"
# A demo-only credential with a known secret (like the demo passwords): never do this in production.
DEMO_PREFIX = "demo0c1v1l00"
DEMO_SECRET = "Yunxi-demo-population-credential-2026"  # noqa: S105 - published demo token, demo data only
DEMO_TOKEN = f"{DEMO_PREFIX}.{DEMO_SECRET}"
DEMO_LABEL = "演示：低保审核系统"
ROWS = 24

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟"]
MARITAL = ["未婚", "已婚", "离婚", "丧偶"]


def _value(item, n: int, resource: DataResource):
    code, data_type = item.code, item.data_type
    if item.is_key:
        if "id" in code or code.endswith("_id"):
            return f"3601021985{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n:03d}{n % 10}"
        return f"{resource.code[-4:]}-{n:05d}"
    if data_type == "integer":
        return 10 + n * 3
    if data_type == "decimal":
        return f"{100 + n * 12.5:.2f}"
    if data_type == "date":
        return (datetime.date(1960, 1, 1) + datetime.timedelta(days=n * 731)).isoformat()
    if data_type == "datetime":
        return datetime.datetime(2026, 10, 1, 8, 0).replace(hour=8 + n % 10).isoformat()
    if data_type == "boolean":
        return n % 2 == 0
    if code == "name":
        return SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)]
    if code == "gender":
        return "男" if n % 2 else "女"
    if code == "marital":
        return MARITAL[n % len(MARITAL)]
    if "address" in code:
        return f"云溪市临江区滨河路{n}号"
    return f"{item.name}{n}"


def _records() -> int:
    loaded = 0
    resource_ids = Agreement.objects.values_list("resource_id", flat=True).distinct()
    for resource in DataResource.objects.filter(pk__in=resource_ids).order_by("code"):
        if DataRecord.objects.filter(resource=resource).exists():
            continue
        items = list(resource.items.order_by("order", "id"))
        stewards = sp.stewards_of([resource.provider_id])
        if not stewards or not any(i.is_key for i in items):
            continue
        rows = [{i.code: _value(i, n, resource) for i in items} for n in range(1, ROWS + 1)]
        loaded += services.records_load(
            actor=stewards[0], resource=resource, rows=rows, reason="demo"
        ).created
    return loaded


def _scenario_agreement() -> Agreement | None:
    return (
        Agreement.objects.filter(
            resource__code=SCENARIO_RESOURCE, consumer__code=SCENARIO_CONSUMER, status=AgreementStatus.ACTIVE
        )
        .order_by("-version")
        .first()
    )


def _credential(agreement: Agreement) -> bool:
    if ApiCredential.objects.filter(prefix=DEMO_PREFIX).exists():
        return False
    steward = sp.stewards_of([agreement.consumer_id])[0]
    credential, _token = services.credential_issue(actor=steward, agreement=agreement, label=DEMO_LABEL)
    # Demo only: swap the random token for the documented one, so the printed token always works.
    ApiCredential.objects.filter(pk=credential.pk).update(
        prefix=DEMO_PREFIX, secret_hash=hash_secret(DEMO_SECRET)
    )
    return True


def _calls(agreement: Agreement) -> int:
    if AccessLog.objects.filter(agreement=agreement).exists():
        return 0
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.20.30.40")
    url = f"/api/exchange/resources/{SCENARIO_RESOURCE}/records/"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {DEMO_TOKEN}"}
    calls = [
        {**auth, "HTTP_X_PURPOSE": "低保审核 MZ-2026-0042", "HTTP_X_END_USER": "临江区民政办 王敏"},
        {**auth, "HTTP_X_PURPOSE": "特困供养认定 MZ-2026-0057", "HTTP_X_END_USER": "滨河街道 李娜"},
        {**auth, "HTTP_X_END_USER": "滨河街道 李娜"},  # no purpose: refused and logged
        {"HTTP_AUTHORIZATION": f"Bearer {DEMO_PREFIX}.wrong", "HTTP_X_PURPOSE": "x", "HTTP_X_END_USER": "x"},
    ]
    # The refused calls are meant: keep Django's request logger from reporting them as warnings.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        for headers in calls:
            client.get(url, **headers)
        client.get(url + "export?format=csv", **calls[0]).getvalue()
    finally:
        request_log.setLevel(level)
    return len(calls) + 1


def _objection(agreement: Agreement) -> bool:
    if Objection.objects.filter(agreement=agreement).exists():
        return False
    record = DataRecord.objects.filter(resource=agreement.resource).order_by("id")[2]
    consumer = sp.stewards_of([agreement.consumer_id])[0]
    provider = sp.stewards_of([agreement.provider_id])[0]
    objection = services.objection_file(
        actor=consumer,
        agreement=agreement,
        record=record,
        item_code="address",
        description="申请人提供的户口簿地址与共享数据不一致，请核实。",
        proposed_value="云溪市临江区滨河路3号2单元",
    )
    for action in ("accept", "mark"):
        objection = services.objection_move(actor=provider, objection=objection, action=action)
    return objection.state == ObjectionState.MARKED


def _return_flow(agreement: Agreement) -> int:
    if agreement.direction != "down" or ReturnFlowRun.objects.filter(agreement=agreement).exists():
        return 0
    consumer = User.objects.filter(pk__in=[u.pk for u in sp.stewards_of([agreement.consumer_id])]).first()
    return services.return_flow_sync(agreement_id=agreement.pk, trigger="manual", actor=consumer).rows


def load_demo() -> str:
    records = _records()
    agreement = _scenario_agreement()
    if agreement is None:
        return f"{records} records loaded; no active agreement for {SCENARIO_RESOURCE}, so no credential."
    issued = _credential(agreement)
    calls = _calls(agreement)
    marked = _objection(agreement)
    rows = _return_flow(agreement)
    return (
        f"{records} records loaded, credential {'issued' if issued else 'kept'}, {calls} API calls logged, "
        f"{'1 objection marked' if marked else 'objection kept'}, return flow {rows} rows. "
        f"Demo API credential ({agreement.number}, {SCENARIO_RESOURCE}): {DEMO_TOKEN}"
    )
