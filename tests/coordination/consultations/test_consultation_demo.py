"""The demo loads (after the demo city), shows every state, and loads only once."""

import pytest
from django.core.management import call_command

from coordination.consultations.models import Comment, Consultation, ConsultationStatus


@pytest.mark.django_db
def test_demo_loads():
    from coordination.consultations.demo import PLAN_TITLE, load_demo
    from coordination.demo import DemoLoader

    DemoLoader().load()
    assert "loaded" in load_demo()
    assert load_demo() == "consultations demo already loaded"
    assert set(Consultation.objects.values_list("status", flat=True)) == set(ConsultationStatus.values)
    plan = Consultation.objects.get(title=PLAN_TITLE)
    assert plan.status == ConsultationStatus.OPEN
    assert set(plan.comments.values_list("author__username", flat=True)) >= {"citizen", "enterprise"}
    assert plan.comments.filter(status="hidden").exclude(hidden_reason="").exists()
    parking = Consultation.objects.get(title__contains="智慧停车收费标准调整方案")
    assert parking.status == ConsultationStatus.PUBLISHED and parking.answers_summary
    assert not parking.comments.filter(status="active", outcome="").exists()
    assert Comment.objects.filter(consultation__owner_unit__code="yx-smart-office").count() > 5
    call_command("check")
