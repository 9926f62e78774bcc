"""The performance demo: loads after the PPP demo, once, with history; logins see their part."""

from __future__ import annotations

import pytest
from django.urls import reverse

from operations.demo import load_demo as load_ppp_demo
from operations.performance.demo import load_demo
from operations.performance.models import Evaluation, Framework, Payment, PaymentCalculation, State
from portal.models import User


@pytest.fixture
def demo(db):
    from coordination.demo import DemoLoader

    DemoLoader().load()
    load_ppp_demo()


def test_the_demo_loads_once_with_history(demo, client):
    assert "4 projects" in load_demo()
    assert "already" in load_demo()
    assert Framework.objects.count() == 4
    assert Framework.objects.filter(locked=True).count() == 3  # the concession is still in procurement
    ioc = Evaluation.objects.filter(project__code="yx-ppp-ioc")
    assert ioc.filter(state=State.PUBLISHED).count() == 3
    waiting = ioc.get(state=State.AGENCY_SCORING)
    evaluator = User.objects.get(username="evaluator")
    assert list(waiting.evaluators.all()) == [evaluator]
    assert PaymentCalculation.objects.filter(evaluation__project__code="yx-ppp-parking").count() == 4
    assert Payment.objects.count() >= 6
    assert all(c.amount > 0 and c.snapshot["tree"] for c in PaymentCalculation.objects.all())

    client.force_login(evaluator)
    assert client.get(reverse("performance:evaluation", args=[waiting.pk])).status_code == 200
    published = ioc.filter(state=State.PUBLISHED).first()
    assert client.get(reverse("performance:evaluation", args=[published.pk])).status_code == 404

    client.force_login(User.objects.get(username="ppp"))
    page = client.get(reverse("performance:project", args=["yx-ppp-parking"]))
    assert page.status_code == 200 and b"performance-history" in page.content
    client.logout()
    public = client.get(reverse("operations:public-project", args=["yx-ppp-ioc"])).content.decode()
    latest = ioc.filter(state=State.PUBLISHED).order_by("-period_end").first()
    assert str(latest.total) in public
