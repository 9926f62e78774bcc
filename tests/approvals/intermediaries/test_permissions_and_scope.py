"""Officials may not choose for an owner; owners see only their needs, intermediaries only their
engagements (others answer 404); the regulator's pages are the regulator's."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from approvals.intermediaries import services
from approvals.intermediaries.models import Need
from tests.factories import PASSWORD
from tests.factories.intermediaries import post


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_officials_may_not_post_a_need_or_choose_the_intermediary(market):
    with pytest.raises(PermissionDenied, match="Officials may not choose"):
        post(market["official"])
    with pytest.raises(PermissionDenied, match="Officials may not choose"):
        post(market["regulator"])
    need = post(market["owner"], public_funds=False, budget_ceiling=Decimal(50000), mode="direct")
    for official in (market["official"], market["regulator"]):
        with pytest.raises(PermissionDenied, match="Officials may not choose"):
            services.need_direct_pick(actor=official, need=need, intermediary=market["firms"][0])
        with pytest.raises(PermissionDenied):
            services.need_draw(actor=official, need=post(market["owner"]))
    assert Need.objects.filter(status="open").count() == 3


def test_officials_are_refused_the_owner_pages(market, client, english_messages):
    login(client, market["official"])
    response = client.get("/market/my/new/")
    assert response.status_code == 403
    response = client.post("/market/my/new/", {"service_type": "assessment"})
    assert response.status_code == 403


def test_another_owners_need_answers_404(market, client):
    need = post(market["owner"])
    login(client, market["other_owner"])
    assert client.get(f"/market/my/{need.uuid}/").status_code == 404
    assert client.post(f"/market/my/{need.uuid}/draw/").status_code == 404
    assert Need.objects.get(pk=need.pk).status == "open"
    with pytest.raises(PermissionDenied):
        services.need_draw(actor=market["other_owner"], need=need)


def test_intermediaries_see_only_their_own_engagements(market, client):
    need = post(market["owner"], public_funds=False, budget_ceiling=Decimal(50000), mode="direct")
    services.need_direct_pick(actor=market["owner"], need=need, intermediary=market["firms"][0])
    login(client, market["firms"][0].staff_user)
    assert client.get(f"/market/firm/engagements/{need.uuid}/").status_code == 200
    assert need.number in client.get("/market/firm/engagements/").content.decode()
    client.logout()
    login(client, market["firms"][1].staff_user)
    assert client.get(f"/market/firm/engagements/{need.uuid}/").status_code == 404
    assert need.number not in client.get("/market/firm/engagements/").content.decode()
    assert client.get(f"/market/results/{need.uuid}/").status_code == 404


def test_the_regulator_pages_are_for_the_regulator_only(market, client):
    login(client, market["official"])
    assert client.get("/market/regulate/").status_code == 403
    client.logout()
    login(client, market["regulator"])
    page = client.get("/market/regulate/")
    assert page.status_code == 200
    assert market["firms"][0].name in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.intermediary_grade(
            actor=market["official"],
            intermediary=market["firms"][0],
            regulator_grade=0,
            enterprise_credit_grade=0,
        )


def test_owner_posts_a_need_through_the_page(market, client):
    login(client, market["owner"])
    response = client.post(
        "/market/my/new/",
        {
            "service_type": "assessment",
            "project_name": "园区环评",
            "budget_ceiling": "150000",
            "service_days": "12",
            "public_funds": "on",
            "mode": "draw",
            "requirements": "",
            "criteria_text": "",
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302 and response.url == f"/market/my/{need.uuid}/"
    assert need.owner == market["owner"] and need.public_funds


def test_public_pages_query_counts_do_not_grow_with_rows(market, client, django_assert_max_num_queries):
    for _ in range(3):
        post(market["owner"])
    with django_assert_max_num_queries(12):
        first = client.get("/market/")
    assert first.status_code == 200
    from tests.factories.intermediaries import intermediary

    intermediary(5, market["regulator"], types=("assessment", "survey"))
    intermediary(6, market["regulator"])
    for _ in range(5):
        post(market["owner"])
    with django_assert_max_num_queries(12):
        assert client.get("/market/").status_code == 200
