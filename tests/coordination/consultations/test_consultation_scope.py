"""Officials of the owner unit and the smart-city office manage a consultation; others get 404."""

import datetime

import pytest
from django.urls import reverse

from coordination.consultations import services
from coordination.consultations.models import ConsultationStatus
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


@pytest.fixture
def consultation(city, today):
    c = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    services.comment_create(actor=city["citizen"], consultation=c, text="意见")
    return c


def test_official_of_another_unit_gets_404(city, consultation, client):
    comment = consultation.comments.get()
    client.force_login(city["stranger"])
    n = consultation.number
    assert client.get(reverse("consultations:manage_detail", args=[n])).status_code == 404
    assert client.get(reverse("consultations:manage_edit", args=[n])).status_code == 404
    for name, args, data in [
        ("manage_withdraw", [n], {"withdraw-reason": "x"}),
        ("manage_publish", [n], {"summary": "x"}),
        (
            "manage_answer",
            [n, comment.pk],
            {f"c{comment.pk}-outcome": "adopted", f"c{comment.pk}-answer": "x"},
        ),
        ("manage_hide", [n, comment.pk], {f"h{comment.pk}-reason": "x"}),
    ]:
        assert client.post(reverse(f"consultations:{name}", args=args), data).status_code == 404
    assert n not in client.get(reverse("consultations:manage_list")).content.decode()
    comment.refresh_from_db()
    assert comment.status == "active" and comment.outcome == ""
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN


def test_applicant_may_not_see_the_management_pages(city, consultation, client):
    client.force_login(city["citizen"])
    assert client.get(reverse("consultations:manage_detail", args=[consultation.number])).status_code == 404
    assert client.get(reverse("consultations:manage_list")).status_code == 403


def test_owner_unit_and_office_manage(city, consultation, client):
    comment = consultation.comments.get()
    for who in ("official", "coordinator"):
        client.force_login(city[who])
        assert (
            client.get(reverse("consultations:manage_detail", args=[consultation.number])).status_code == 200
        )
    response = client.post(
        reverse("consultations:manage_answer", args=[consultation.number, comment.pk]),
        {f"c{comment.pk}-outcome": "adopted", f"c{comment.pk}-answer": "采纳"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.outcome == "adopted" and comment.answered_by == city["coordinator"]


def test_official_may_create_only_for_own_unit(city, today, client):
    client.force_login(city["official"])
    data = {
        "owner_unit": city["other_unit"].pk,
        "title": "别人的方案",
        "subject_kind": "policy",
        "summary": "摘要",
        "opens_on": "2026-11-10",
        "closes_on": "2026-12-09",
    }
    response = client.post(reverse("consultations:manage_create"), data)
    assert response.status_code == 400  # not a choice
    data["owner_unit"] = city["unit"].pk
    response = client.post(reverse("consultations:manage_create"), data)
    assert response.status_code == 302
