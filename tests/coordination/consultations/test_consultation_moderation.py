"""Moderation hides an abusive comment with a recorded reason: gone from the public page and the
statistics, kept in the audit trail, the commenter told."""

import datetime

import pytest
from django.urls import reverse

from coordination.consultations import services
from coordination.consultations.models import Outcome
from coordination.consultations.stats import consultation_stats
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from portal.notifications.models import Notification
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


def test_hidden_comment_leaves_publication_and_statistics(city, today, client):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    good = services.comment_create(actor=city["citizen"], consultation=consultation, text="好的建议")
    bad = services.comment_create(actor=city["enterprise"], consultation=consultation, text="辱骂内容XYZ")
    with pytest.raises(DomainError):
        services.comment_hide(actor=city["official"], comment=bad, reason=" ")
    client.force_login(city["official"])
    client.post(
        reverse("consultations:manage_hide", args=[consultation.number, bad.pk]),
        {f"h{bad.pk}-reason": "含有侮辱性言辞"},
    )
    bad.refresh_from_db()
    assert (
        bad.status == "hidden" and bad.hidden_reason == "含有侮辱性言辞" and bad.hidden_by == city["official"]
    )
    event = AuditEvent.objects.get(action="consultation_comment.hide", object_id=str(bad.pk))
    assert event.reason == "含有侮辱性言辞" and event.before["text"] == "辱骂内容XYZ"
    assert Notification.objects.filter(
        recipient=city["enterprise"], kind="consultation_comment_hidden"
    ).exists()

    stats = consultation_stats(consultation)
    assert stats.total == 1 and stats.by_stakeholder["enterprise"] == 0

    today(NOV + datetime.timedelta(30))
    services.comment_answer(actor=city["official"], comment=good, outcome=Outcome.ADOPTED, answer="采纳")
    # The hidden comment needs no answer to publish.
    services.consultation_publish(actor=city["official"], consultation=consultation, summary="说明")
    client.logout()
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "好的建议" in page and "辱骂内容XYZ" not in page
    # The commenter still sees their own comment, with the reason.
    client.force_login(city["enterprise"])
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "含有侮辱性言辞" in page
