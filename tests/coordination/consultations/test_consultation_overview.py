"""The participation section of the city overview: registered, scoped, and counting right."""

import datetime

import pytest

from coordination.consultations import services
from coordination.consultations.models import Outcome
from coordination.overview import registry
from tests.factories.consultations import make_consultation

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 2)


def _values(section):
    return [m.value for m in section.metrics]


def test_section_counts(city, today):
    assert "participation" in registry._providers
    today(NOV - datetime.timedelta(60))
    done = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV - datetime.timedelta(60))
    a = services.comment_create(actor=city["citizen"], consultation=done, text="甲")
    b = services.comment_create(actor=city["citizen2"], consultation=done, text="乙")
    today(NOV)
    services.comment_answer(actor=city["official"], comment=a, outcome=Outcome.ADOPTED, answer="采纳")
    services.comment_answer(actor=city["official"], comment=b, outcome=Outcome.NOT_ADOPTED, answer="理由")
    services.consultation_publish(actor=city["official"], consultation=done, summary="说明")
    running = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    services.comment_create(actor=city["citizen"], consultation=running, text="丙")
    make_consultation(actor=city["stranger"], unit=city["other_unit"], opens_on=NOV, title="卫健方案")

    public = registry._providers["participation"][1](None)
    assert _values(public) == [2, 3, 50.0]
    mine = registry._providers["participation"][1](city["official"])
    assert _values(mine)[0] == 1  # only the transport bureau's open consultation
