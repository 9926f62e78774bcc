"""Comments only while a consultation is open by its dates — whether or not the daily task has
run — and answers visible only after publication."""

import datetime

import pytest
from django.urls import reverse

from coordination.consultations import services
from coordination.consultations.models import ConsultationStatus, Outcome
from portal.errors import TransitionNotAllowed
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


def test_no_comment_before_the_opening_day(city, today):
    consultation = make_consultation(
        actor=city["official"], unit=city["unit"], opens_on=NOV + datetime.timedelta(3)
    )
    assert consultation.status == ConsultationStatus.SCHEDULED
    with pytest.raises(TransitionNotAllowed):
        services.comment_create(actor=city["citizen"], consultation=consultation, text="太早了")
    today(NOV + datetime.timedelta(3))  # the opening day: open even though the task has not run
    comment = services.comment_create(actor=city["citizen"], consultation=consultation, text="开放当天")
    assert comment.pk
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN


def test_no_comment_after_the_closing_day_even_if_the_task_has_not_run(city, today, client):
    consultation = make_consultation(
        actor=city["official"], unit=city["unit"], opens_on=NOV, closes_on=NOV + datetime.timedelta(29)
    )
    today(NOV + datetime.timedelta(29))  # the last day still counts
    services.comment_create(actor=city["citizen"], consultation=consultation, text="最后一天")
    today(NOV + datetime.timedelta(30))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.OPEN  # the daily task has not run
    with pytest.raises(TransitionNotAllowed):
        services.comment_create(actor=city["citizen2"], consultation=consultation, text="晚了")
    # The page agrees: no form, and a POST is refused.
    client.force_login(city["citizen2"])
    page = client.get(consultation.get_absolute_url())
    assert b"comment-form" not in page.content
    assert "Closed, answers in preparation" in page.content.decode()
    response = client.post(reverse("consultations:comment", args=[consultation.number]), {"text": "晚了"})
    assert response.status_code == 409
    assert consultation.comments.count() == 1


def test_draft_is_not_public_and_takes_no_comment(city, today, client):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV, release=False)
    assert client.get(consultation.get_absolute_url()).status_code == 404
    with pytest.raises(TransitionNotAllowed):
        services.comment_create(actor=city["citizen"], consultation=consultation, text="草稿")


def test_answers_are_visible_only_after_publication(city, today, client):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    comment = services.comment_create(actor=city["citizen"], consultation=consultation, text="增加公交线路")
    services.comment_answer(
        actor=city["official"], comment=comment, outcome=Outcome.ADOPTED, answer="答复甲乙丙"
    )
    today(NOV + datetime.timedelta(40))
    client.force_login(city["citizen"])
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "增加公交线路" in page  # the commenter sees their own comment
    assert "答复甲乙丙" not in page
    client.logout()
    assert "增加公交线路" not in client.get(consultation.get_absolute_url()).content.decode()
    services.consultation_publish(actor=city["official"], consultation=consultation, summary="采纳情况说明")
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "答复甲乙丙" in page and "采纳情况说明" in page and "增加公交线路" in page


def test_count_is_shown_while_open_but_not_the_comments(city, today, client):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    services.comment_create(actor=city["citizen"], consultation=consultation, text="秘密意见一")
    services.comment_create(actor=city["citizen2"], consultation=consultation, text="秘密意见二")
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "2 comments received so far" in page
    assert "秘密意见" not in page


def test_commenter_withdraws_own_comment_only_while_open(city, today, client):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    mine = services.comment_create(actor=city["citizen"], consultation=consultation, text="我的意见")
    client.force_login(city["citizen2"])
    assert client.post(reverse("consultations:comment_withdraw", args=[mine.pk])).status_code == 404
    client.force_login(city["citizen"])
    client.post(reverse("consultations:comment_withdraw", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == "withdrawn"
    other = services.comment_create(actor=city["citizen"], consultation=consultation, text="第二条")
    today(NOV + datetime.timedelta(31))
    with pytest.raises(TransitionNotAllowed):
        services.comment_withdraw(actor=city["citizen"], comment=other)
