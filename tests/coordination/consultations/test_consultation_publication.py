"""Publishing the answers: every visible comment answered and a statement; commenters told;
names masked unless the commenter chose to be named."""

import datetime

import pytest
from django.urls import reverse

from coordination.consultations import services
from coordination.consultations.models import ConsultationStatus, Outcome
from portal.errors import DomainError, TransitionNotAllowed
from portal.notifications.models import Notification
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


@pytest.fixture
def closed(city, today):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    a = services.comment_create(actor=city["citizen"], consultation=consultation, text="意见甲")
    b = services.comment_create(
        actor=city["citizen2"], consultation=consultation, text="意见乙", show_name=True
    )
    c = services.comment_create(actor=city["enterprise"], consultation=consultation, text="意见丙")
    today(NOV + datetime.timedelta(30))
    return consultation, [a, b, c]


def test_publication_refused_while_a_comment_is_unanswered(city, closed, client):
    consultation, (a, b, _c) = closed
    services.comment_answer(actor=city["official"], comment=a, outcome=Outcome.ADOPTED, answer="采纳")
    services.comment_answer(actor=city["official"], comment=b, outcome=Outcome.NOTED, answer="收悉")
    with pytest.raises(DomainError, match="1 comment"):
        services.consultation_publish(actor=city["official"], consultation=consultation, summary="说明")
    client.force_login(city["official"])
    response = client.post(
        reverse("consultations:manage_publish", args=[consultation.number]), {"summary": "说明"}
    )
    assert response.status_code == 400
    assert "still need an answer" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CLOSED


def test_publication_needs_a_closed_consultation_and_a_summary(city, today):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    with pytest.raises(TransitionNotAllowed):
        services.consultation_publish(actor=city["official"], consultation=consultation, summary="说明")
    today(NOV + datetime.timedelta(30))
    with pytest.raises(DomainError):
        services.consultation_publish(actor=city["official"], consultation=consultation, summary="  ")


def test_not_adopted_needs_a_reason(city, closed):
    _consultation, (a, _b, _c) = closed
    with pytest.raises(DomainError, match="reason"):
        services.comment_answer(actor=city["official"], comment=a, outcome=Outcome.NOT_ADOPTED, answer="")


def test_publication_notifies_every_commenter_and_masks_names(city, closed, client):
    consultation, comments = closed
    for comment, outcome in zip(
        comments, [Outcome.ADOPTED, Outcome.PARTLY, Outcome.NOT_ADOPTED], strict=True
    ):
        services.comment_answer(
            actor=city["official"], comment=comment, outcome=outcome, answer=f"答复{outcome}"
        )
    services.consultation_publish(actor=city["official"], consultation=consultation, summary="采纳情况说明")
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED
    told = set(
        Notification.objects.filter(kind="consultation_answers_published").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"t-citizen", "t-citizen2", "t-enterprise"}
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "张*丰" in page and "张三丰" not in page  # masked
    assert "李四" in page  # chose to be named
    assert "云溪云谷科技有限公司" in page  # an enterprise's name is public
    # Publishing again is refused and tells nobody twice.
    with pytest.raises(TransitionNotAllowed):
        services.consultation_publish(actor=city["official"], consultation=consultation, summary="再次")
    assert Notification.objects.filter(kind="consultation_answers_published").count() == 3
