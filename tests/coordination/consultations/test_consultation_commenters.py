"""Only registered applicants and organisations' representatives comment; the stakeholder type
comes from the account, never from the form."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coordination.consultations import services
from coordination.consultations.models import Stakeholder
from coordination.consultations.stats import consultation_stats
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


@pytest.fixture
def open_consultation(city, today):
    return make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)


@pytest.mark.parametrize("who", ["official", "coordinator", "intermediary"])
def test_officials_and_others_may_not_comment(city, open_consultation, who, client):
    with pytest.raises(PermissionDenied):
        services.comment_create(actor=city[who], consultation=open_consultation, text="不能评论")
    client.force_login(city[who])
    response = client.post(reverse("consultations:comment", args=[open_consultation.number]), {"text": "x"})
    assert response.status_code == 403
    assert open_consultation.comments.count() == 0


def test_anonymous_user_is_sent_to_login_with_next(open_consultation, client):
    response = client.post(reverse("consultations:comment", args=[open_consultation.number]), {"text": "x"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    next_url = parse_qs(urlsplit(response.url).query)["next"][0]
    assert next_url.startswith(open_consultation.get_absolute_url())


@pytest.mark.parametrize(
    "who, stakeholder, organisation",
    [
        ("citizen", Stakeholder.CITIZEN, ""),
        ("enterprise", Stakeholder.ENTERPRISE, "云溪云谷科技有限公司"),
        ("association", Stakeholder.SOCIAL_ORG, "云溪市物业管理协会"),
        ("institute", Stakeholder.OTHER, "云溪规划设计研究院"),
    ],
)
def test_stakeholder_type_comes_from_the_account(
    city, open_consultation, client, who, stakeholder, organisation
):
    client.force_login(city[who])
    client.post(
        reverse("consultations:comment", args=[open_consultation.number]),
        {
            "text": "意见",
            "stakeholder": Stakeholder.SOCIAL_ORG if who != "association" else Stakeholder.CITIZEN,
        },
    )
    comment = open_consultation.comments.get()
    assert comment.stakeholder == stakeholder
    assert comment.organisation_name == organisation


def test_stakeholder_types_are_counted(city, open_consultation):
    for who in ["citizen", "citizen2", "enterprise", "association", "institute", "citizen"]:
        services.comment_create(actor=city[who], consultation=open_consultation, text=f"{who} 的意见")
    stats = consultation_stats(open_consultation)
    assert stats.total == 6
    assert stats.by_stakeholder == {
        Stakeholder.CITIZEN: 3,
        Stakeholder.ENTERPRISE: 1,
        Stakeholder.SOCIAL_ORG: 1,
        Stakeholder.OTHER: 1,
    }
