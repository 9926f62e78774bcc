"""The whole market through its pages (the views call the services): registration and review,
bidding, merit scoring, selection, contract, result upload, approval, rating, complaint and its
handling, blacklisting."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.intermediaries.models import Complaint, Intermediary, Need, Qualification
from portal.models import UserKind
from tests.factories import PASSWORD, UserFactory
from tests.factories.intermediaries import post

PDF = b"%PDF-1.4\n% result\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def as_user(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_registration_through_the_pages(market, client):
    newcomer = UserFactory(username="newcomer", kind=UserKind.INTERMEDIARY)
    as_user(client, newcomer)
    response = client.post(
        "/market/firm/",
        {
            "name": "云溪新测检测有限公司",
            "uscc": "91360900MA35TQ01XX",
            "contact_name": "甲",
            "contact_phone": "1",
        },
    )
    assert (
        response.status_code == 200
        and not Intermediary.objects.filter(unit__name="云溪新测检测有限公司").exists()
    )
    from coordination.demo import make_uscc

    uscc = make_uscc("91", "360900", "MA35TQ08")
    response = client.post(
        "/market/firm/",
        {"name": "云溪新测检测有限公司", "uscc": uscc, "contact_name": "甲", "contact_phone": "1"},
    )
    assert response.status_code == 302
    firm = Intermediary.objects.get(unit__uscc=uscc)
    assert firm.unit.kind == "enterprise" and firm.status == "draft"
    today = datetime.date.today()
    client.post(
        "/market/firm/do/qualification/",
        {
            "service_type": "testing",
            "certificate": "CMA",
            "certificate_no": "C-1",
            "level": "",
            "valid_from": today - datetime.timedelta(days=10),
            "valid_until": today + datetime.timedelta(days=300),
            "scan_file": SimpleUploadedFile("scan.pdf", PDF),
        },
    )
    assert Qualification.objects.get(intermediary=firm).scan_name == "scan.pdf"
    client.post("/market/firm/do/staff/", {"name": "乙", "title": "工程师", "certificate_no": ""})
    client.post("/market/firm/do/submit/")
    firm.refresh_from_db()
    assert firm.status == "pending"
    as_user(client, market["regulator"])
    assert client.get(f"/market/qualifications/{firm.qualifications.get().pk}/scan/").status_code == 200
    client.post(f"/market/regulate/i/{firm.pk}/", {"action": "review", "approve": "1", "note": ""})
    firm.refresh_from_db()
    assert firm.status == "approved"
    client.post(
        f"/market/regulate/i/{firm.pk}/",
        {"action": "blacklist", "reason": "围标", "start": today, "end": today + datetime.timedelta(days=90)},
    )
    assert firm.blacklist.count() == 1
    as_user(client, market["owner"])
    assert client.get(f"/market/qualifications/{firm.qualifications.get().pk}/scan/").status_code == 404


def test_merit_selection_to_rating_through_the_pages(market, client):
    criteria = [{"name": "方案", "weight": "60"}, {"name": "业绩", "weight": "40"}]
    need = post(market["owner"], mode="merit", criteria=criteria)
    for firm, price in zip(market["firms"][:3], ["150000", "120000", "180000"], strict=True):
        as_user(client, firm.staff_user)
        assert need.number in client.get("/market/firm/opportunities/").content.decode()
        assert (
            client.post(
                f"/market/firm/opportunities/{need.uuid}/", {"price": price, "proposal": "方案"}
            ).status_code
            == 302
        )
    as_user(client, market["owner"])
    for bid, scores in zip(need.bids.order_by("id"), [(80, 80), (95, 60), (70, 90)], strict=True):
        client.post(f"/market/my/{need.uuid}/score-{bid.pk}/", {"c0": scores[0], "c1": scores[1]})
    client.post(f"/market/my/{need.uuid}/select/")
    need.refresh_from_db()
    assert need.status == "selected" and need.winner == market["firms"][1]
    client.post(f"/market/my/{need.uuid}/contract/", {"contract_no": "HT-9", "amount": "120000"})
    as_user(client, market["firms"][1].staff_user)
    page = client.get(f"/market/firm/engagements/{need.uuid}/")
    assert page.status_code == 200
    client.post(f"/market/firm/engagements/{need.uuid}/", {"file": SimpleUploadedFile("报告.pdf", PDF)})
    as_user(client, market["owner"])
    assert client.get(f"/market/results/{need.uuid}/").status_code == 200
    client.post(f"/market/my/{need.uuid}/approve/")
    client.post(f"/market/my/{need.uuid}/rate/", {"stars": "4", "comment": "好"})
    client.post(f"/market/my/{need.uuid}/complain/", {"text": "态度差"})
    need.refresh_from_db()
    assert need.status == "completed" and need.rating.stars == 4
    assert Intermediary.objects.get(pk=need.winner_id).credit_score == Decimal("96.00")
    complaint = Complaint.objects.get()
    as_user(client, market["regulator"])
    client.post(f"/market/regulate/complaints/{complaint.pk}/", {"uphold": "1", "response": "属实"})
    assert Intermediary.objects.get(pk=need.winner_id).credit_score == Decimal("91.00")
    assert Need.objects.get(pk=need.pk).owner == market["owner"]


def test_a_failed_draw_is_reposted_from_the_page(db, client):
    from tests.factories.intermediaries import build_market

    market = build_market(count=2)
    need = post(market["owner"])
    as_user(client, market["owner"])
    client.post(f"/market/my/{need.uuid}/draw/")
    need.refresh_from_db()
    assert need.status == "failed"
    response = client.post(f"/market/my/{need.uuid}/repost/")
    new = Need.objects.get(reposted_from=need)
    assert response.status_code == 302 and response.url == f"/market/my/{new.uuid}/"
