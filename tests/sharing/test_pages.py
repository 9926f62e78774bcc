"""The pages: scoping (404 on objects, 403 on pages), forms that keep input, constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sharing import services
from sharing.models import DataRequest, RequestStatus, Topic
from tests.factories import UserFactory
from tests.sharing.conftest import drafted, items_of, published, request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    services.request_provider_decide(
        actor=world.provider,
        request=request,
        decision="approve",
        items=items_of(resource, "id_number", "name"),
    )
    request.refresh_from_db()
    return request


def test_catalogue_needs_an_official(client, world):
    published(world)
    assert client.get(reverse("sharing:catalogue")).status_code == 302
    client.force_login(UserFactory(username="citizen"))
    assert client.get(reverse("sharing:catalogue")).status_code == 403
    client.force_login(world.official)
    page = client.get(reverse("sharing:catalogue"))
    assert page.status_code == 200
    assert "人口基础信息" in page.content.decode()


def test_catalogue_filters(client, world):
    resource = published(world)
    topic = Topic.objects.create(code="population", name="人口")
    resource.topics.add(topic)
    published(world, code="A01-01-01-0002", name="户籍迁移信息")
    client.force_login(world.official)
    body = client.get(reverse("sharing:catalogue"), {"topic": "population"}).content.decode()
    assert "人口基础信息" in body and "户籍迁移信息" not in body
    body = client.get(reverse("sharing:catalogue"), {"q": "迁移"}).content.decode()
    assert "户籍迁移信息" in body and "人口基础信息" not in body
    body = client.get(reverse("sharing:catalogue"), {"level": "3"}).content.decode()
    assert "No resources match." in body
    body = client.get(
        reverse("sharing:catalogue"), {"line": "public-security", "sharing_type": "conditional"}
    )
    assert "户籍迁移信息" in body.content.decode()


def test_drafts_are_hidden_from_other_units(client, world):
    resource = services.resource_create(
        actor=world.provider,
        data={
            "code": "A02-01-01-0001",
            "name": "草稿资源",
            "resource_class": "A",
            "classification": "A02-01-01",
            "provider": world.police,
            "sharing_type": "unconditional",
            "sharing_methods": ["api"],
        },
    )
    url = reverse("sharing:resource", args=[resource.code])
    client.force_login(world.consumer)
    assert client.get(url).status_code == 404
    client.force_login(world.provider)
    assert client.get(url).status_code == 200
    client.force_login(world.authority)
    assert client.get(url).status_code == 200


def test_open_page_needs_no_login_and_lists_only_open_resources(client, world):
    published(
        world,
        open_attribute="open",
        name="公开的人口统计",
        sharing_type="unconditional",
        sharing_condition="",
    )
    published(world, code="A01-01-01-0002", name="不公开的人口明细")
    body = client.get(reverse("sharing:open")).content.decode()
    assert "公开的人口统计" in body and "不公开的人口明细" not in body
    assert client.get(reverse("sharing:open-resource", args=["A01-01-01-0002"])).status_code == 404
    assert client.get(reverse("sharing:open-resource", args=["A01-01-01-0001"])).status_code == 200


def test_requests_and_agreements_are_scoped(client, world, approved):
    agreement = approved.agreements.get()
    urls = [approved.get_absolute_url(), agreement.get_absolute_url()]
    for user in (world.consumer, world.provider, world.authority):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
        assert approved.number in client.get(reverse("sharing:requests")).content.decode()
        assert agreement.number in client.get(reverse("sharing:agreements")).content.decode()
    client.force_login(world.other)  # a steward of an uninvolved unit
    for url in urls:
        assert client.get(url).status_code == 404
    assert approved.number not in client.get(reverse("sharing:requests")).content.decode()
    assert agreement.number not in client.get(reverse("sharing:agreements")).content.decode()
    client.force_login(world.official)  # an official who is no steward
    for url in [*urls, reverse("sharing:requests"), reverse("sharing:agreements")]:
        assert client.get(url).status_code == 403


def test_request_form_keeps_input_and_shows_the_error(client, world):
    resource = published(world)
    client.force_login(world.consumer)
    url = reverse("sharing:request-create", args=[resource.code])
    assert client.get(url).status_code == 200
    data = {**request_data(purpose="核验身份"), "consumer": world.civil.pk, "items": []}
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one data item" in body
    assert "核验身份" in body
    assert not DataRequest.objects.exists()
    data["items"] = [i.pk for i in items_of(resource, "name")]
    response = client.post(url, data)
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.status == RequestStatus.DRAFT


def test_provider_decides_through_the_page(client, world):
    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request)
    services.request_authority_check(actor=world.authority, request=request, passed=True)
    client.force_login(world.provider)
    url = reverse("sharing:request-action", args=[request.uuid, "review"])
    response = client.post(url, {"decision": "reject", "opinion": ""})
    assert response.status_code == 400
    assert "A refusal or a call to negotiate needs reasons." in response.content.decode()
    items = [i.pk for i in items_of(resource, "id_number", "name", "address")]
    response = client.post(url, {"decision": "approve", "items": items, "opinion": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED
    assert request.agreements.get().approved_item_codes() == ["id_number", "name", "address"]


def test_agreement_actions_through_the_page(client, world, approved):
    agreement = approved.agreements.get()
    client.force_login(world.consumer)
    client.post(reverse("sharing:agreement-action", args=[agreement.uuid, "suspend"]), {"reason": "x"})
    agreement.refresh_from_db()
    assert agreement.status == "active", "the consumer cannot suspend"
    client.force_login(world.provider)
    client.post(reverse("sharing:agreement-action", args=[agreement.uuid, "suspend"]), {"reason": "核查"})
    agreement.refresh_from_db()
    assert agreement.status == "suspended"
    response = client.get(reverse("sharing:agreements"), {"status": "suspended"})
    assert agreement.number in response.content.decode()
    response = client.get(reverse("sharing:agreements"), {"expiring_within": "abc"})
    assert response.status_code == 200


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_use_a_constant_number_of_queries(client, world):
    resource = published(world)
    topic = Topic.objects.create(code="population", name="人口")
    resource.topics.add(topic)

    def one_more(n):
        r = published(world, code=f"A01-01-01-{n:04d}")
        r.topics.add(topic)
        req = drafted(world, r, codes=("id_number",))
        services.request_submit(actor=world.consumer, request=req)
        services.request_authority_check(actor=world.authority, request=req, passed=True)
        services.request_provider_decide(
            actor=world.provider, request=req, decision="approve", items=items_of(r, "id_number")
        )

    one_more(2)
    client.force_login(world.authority)
    urls = [reverse("sharing:catalogue"), reverse("sharing:requests"), reverse("sharing:agreements")]
    before = [_count(client, u) for u in urls]
    for n in range(3, 7):
        one_more(n)
    after = [_count(client, u) for u in urls]
    assert before == after


def test_admin_lists_resources_and_approves_through_the_service(client, world):
    from sharing.models import DataAuthority, DataResource
    from tests.factories import AdminFactory

    admin_user = AdminFactory(username="root")
    from coordination.models import Position, Role

    Position.objects.create(user=admin_user, unit=world.data, title="管理员").roles.add(
        Role.objects.get_or_create(code="data_steward")[0]
    )
    assert DataAuthority.objects.filter(unit=world.data).exists()
    resource = published(world, code="A01-01-01-0002")
    services.resource_revise(actor=world.provider, resource=resource)
    services.resource_submit(actor=world.provider, resource=resource)
    client.force_login(admin_user)
    url = reverse("admin:sharing_dataresource_changelist")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "approve_selected", "_selected_action": [resource.pk]})
    assert response.status_code == 302
    assert DataResource.objects.get(pk=resource.pk).status == "approved"
    assert client.get(reverse("admin:sharing_dataresource_change", args=[resource.pk])).status_code == 200
    assert client.get(reverse("admin:sharing_agreement_changelist")).status_code == 200
    assert client.get(reverse("admin:sharing_datarequest_changelist")).status_code == 200
    assert client.get(reverse("admin:sharing_topic_add")).status_code == 200


def test_a_steward_describes_and_publishes_a_resource_through_the_pages(client, world):
    client.force_login(world.provider)
    form = {
        "provider": world.police.pk,
        "code": "A01-01-02-0001",
        "name": "流动人口居住登记",
        "resource_class": "A",
        "classification": "A01-01-02",
        "summary": "",
        "format": "table",
        "update_cycle": "monthly",
        "sharing_type": "conditional",
        "sharing_condition": "",
        "legal_basis": "",
        "sharing_methods": ["api"],
        "open_attribute": "not_open",
    }
    response = client.post(reverse("sharing:resource-create"), form)
    assert response.status_code == 400
    assert "needs its sharing condition" in response.content.decode()
    assert "流动人口居住登记" in response.content.decode(), "the input is kept"
    form["sharing_condition"] = "用于居住证办理"
    response = client.post(reverse("sharing:resource-create"), form)
    assert response.status_code == 302
    code = form["code"]
    item_url = reverse("sharing:item-add", args=[code])
    assert client.get(item_url).status_code == 200
    response = client.post(
        item_url, {"code": "id_number", "name": "身份号码", "data_type": "string", "is_key": "on", "order": 0}
    )
    assert response.status_code == 302
    client.post(reverse("sharing:resource-action", args=[code, "submit"]))
    page = client.get(reverse("sharing:resource", args=[code]))
    assert "Submitted" in page.content.decode()
    client.force_login(world.authority)
    client.post(reverse("sharing:resource-action", args=[code, "approve"]))
    client.force_login(world.provider)
    client.post(reverse("sharing:resource-action", args=[code, "publish"]))
    response = client.post(reverse("sharing:resource-action", args=[code, "withdraw"]), {"reason": ""})
    assert response.status_code == 302
    page = client.get(reverse("sharing:resource", args=[code])).content.decode()
    assert "Say why the resource is withdrawn." in page
    assert "v1" in page
    assert client.get(reverse("sharing:resource-edit", args=[code])).status_code == 200


def test_a_draft_request_is_edited_through_its_page(client, world):
    resource = published(world)
    request = drafted(world, resource, codes=("id_number", "name"))
    url = reverse("sharing:request-edit", args=[request.uuid])
    client.force_login(world.provider)
    assert client.get(url).status_code == 403, "the provider sees the request but may not edit it"
    client.force_login(world.consumer)
    assert client.get(url).status_code == 200
    data = {**request_data(purpose="新的用途"), "consumer": world.civil.pk}
    data["items"] = [i.pk for i in items_of(resource, "id_number")]
    assert client.post(url, data).status_code == 302
    request.refresh_from_db()
    assert request.purpose == "新的用途"
    assert list(request.items.values_list("code", flat=True)) == ["id_number"]
    services.request_submit(actor=world.consumer, request=request)
    assert client.get(url).status_code == 403


def test_related_resources_and_the_data_authority_admin_are_recorded(client, world):
    from portal.audit.models import AuditEvent
    from sharing.models import DataAuthority
    from tests.factories import AdminFactory

    first = published(world)
    client.force_login(world.provider)
    form = {
        "provider": world.police.pk,
        "code": "A01-01-02-0001",
        "name": "流动人口",
        "resource_class": "A",
        "classification": "A01-01-02",
        "format": "table",
        "update_cycle": "monthly",
        "sharing_type": "unconditional",
        "sharing_methods": ["api"],
        "open_attribute": "not_open",
        "related": [first.pk],
    }
    assert client.post(reverse("sharing:resource-create"), form).status_code == 302
    second = first.__class__.objects.get(code="A01-01-02-0001")
    assert list(second.related.all()) == [first]
    client.force_login(AdminFactory(username="root"))
    response = client.post(reverse("admin:sharing_dataauthority_add"), {"unit": world.police.pk, "since": ""})
    assert response.status_code == 302
    assert DataAuthority.objects.filter(unit=world.police).exists()
    assert AuditEvent.objects.filter(action="data_authority.save").exists()


def test_request_list_shows_the_running_deadline(client, world):
    import datetime

    resource = published(world)
    request = drafted(world, resource)
    services.request_submit(actor=world.consumer, request=request, on=datetime.date(2026, 9, 30))
    client.force_login(world.authority)
    body = client.get(reverse("sharing:requests")).content.decode()
    assert "2026-10-08" in body, "the data authority's one-working-day check, after National Day"
    assert "text-bg-danger" in body, "long overdue by now"
