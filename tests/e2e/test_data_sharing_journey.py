"""Journey: the city civil-affairs bureau requests provincial population data, the data authority
checks it, the province approves three of five items, the bureau's steward issues a credential
(shown once), its system makes the first pull, and the call appears in the usage log."""

import json
import urllib.request

import pytest

from sharing.exchange import services
from sharing.exchange.models import AccessLog
from tests.factories import PASSWORD
from tests.sharing.conftest import (
    published,
    world,  # noqa: F401 - the units and stewards, as a fixture
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    {
        "id_number": f"36010219850101{n:04d}",
        "name": f"居民{n}",
        "birth_date": "1985-01-01",
        "address": f"滨河路{n}号",
    }
    for n in range(1, 6)
]


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_load_state()


def test_request_to_first_pull(live_server, page_factory, screenshot, world):  # noqa: F811
    base = live_server.url
    resource = published(world)
    services.records_load(actor=world.provider, resource=resource, rows=ROWS)

    # The consumer's steward asks for five items.
    consumer = page_factory(locale="en")
    login(consumer, base, "civil-steward")
    consumer.goto(f"{base}/data/catalogue/{resource.code}/request/")
    for code in ("id_number", "name", "birth_date", "address", "marital"):
        consumer.check(f"input[name=items][value='{resource.items.get(code=code).pk}']")
    consumer.fill("textarea[name=purpose]", "核验低保申请人的户籍信息")
    consumer.fill("textarea[name=duty_basis]", "社会救助暂行办法")
    consumer.fill("input[name=period_from]", "2026-01-01")
    consumer.fill("input[name=period_until]", "2028-12-31")
    consumer.click("form.card [type=submit]")
    consumer.wait_for_url("**/data/requests/**")
    request_url = consumer.url
    consumer.click("form[action$='/submit/'] button")
    consumer.wait_for_load_state()
    screenshot(consumer, "exchange-01-request-submitted")

    # The data authority checks it; the provincial provider approves three items.
    authority = page_factory(locale="en")
    login(authority, base, "authority")
    authority.goto(request_url)
    authority.select_option("form[action$='/check/'] select[name=decision]", "approve")
    authority.click("form[action$='/check/'] button")
    authority.wait_for_load_state()

    provider = page_factory(locale="en")
    login(provider, base, "police-steward")
    provider.goto(request_url)
    form = "form[action$='/review/']"
    provider.select_option(f"{form} select[name=decision]", "approve")
    for code in ("birth_date", "marital"):
        provider.uncheck(f"{form} input[name=items][value='{resource.items.get(code=code).pk}']")
    provider.click(f"{form} button")
    provider.wait_for_load_state()
    screenshot(provider, "exchange-02-request-approved")
    agreement = resource.agreements.get()
    assert agreement.approved_item_codes() == ["id_number", "name", "address"]

    # The consumer's steward issues a credential on the agreement page: shown once.
    consumer.goto(f"{base}{agreement.get_absolute_url()}")
    consumer.click("a.exchange-credentials-link")
    consumer.fill("input[name=label]", "低保审核系统")
    consumer.click(".issue-form [type=submit]")
    token = consumer.locator("#new-token").inner_text().strip()
    assert token.count(".") == 1
    screenshot(consumer, "exchange-03-credential-shown-once")
    consumer.reload()
    assert token not in consumer.content()
    assert consumer.locator(".credentials-table").inner_text().count(token.split(".")[0]) == 1

    # The bureau's system makes its first pull with that credential.
    pull = urllib.request.Request(
        f"{base}/api/exchange/resources/{resource.code}/records/",
        headers={
            "Authorization": f"Bearer {token}",
            "X-Purpose": "低保审核 MZ-2026-0042".encode().decode("latin-1"),
            "X-End-User": "临江区民政办 王敏".encode().decode("latin-1"),
        },
    )
    with urllib.request.urlopen(pull) as response:
        body = json.loads(response.read())
    assert body["items"] == ["id_number", "name", "address"] and body["count"] == 5
    assert AccessLog.objects.get().records == 5

    # The provider sees who used its data; the consumer sees its call.
    provider.goto(f"{base}/data/exchange/usage/?side=provider")
    row = provider.locator(".usage-row").first
    # Sent as raw UTF-8 bytes, as curl sends them: logged as the text the client meant.
    assert "云溪市民政局" in row.inner_text() and "临江区民政办 王敏" in row.inner_text()
    assert "低保审核 MZ-2026-0042" in row.inner_text()
    screenshot(provider, "exchange-04-usage-provider")
    consumer.goto(f"{base}/data/exchange/usage/?side=consumer")
    assert consumer.locator(".usage-row").count() == 1
    screenshot(consumer, "exchange-05-usage-consumer")

    # The data authority's dashboard draws the call with ECharts.
    authority.goto(f"{base}/data/exchange/stats/")
    authority.locator("#chart-calls canvas").first.wait_for()
    authority.locator("#chart-matrix canvas").first.wait_for()
    assert authority.locator("#stat-units").inner_text() == "2"
    screenshot(authority, "exchange-06-statistics")
