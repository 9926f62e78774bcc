"""The comment period: closes after it opens; at least CONSULTATION_MIN_DAYS (30, both ends
counted) unless a reason for a shorter one is recorded; adoption-rate arithmetic."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordination.consultations import conf, services
from coordination.consultations.stats import adoption_rate
from portal.errors import DomainError
from tests.factories.consultations import make_consultation

NOV = datetime.date(2026, 11, 2)


@pytest.mark.django_db
def test_closing_must_follow_opening(city, today):
    with pytest.raises(DomainError, match="close after"):
        make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV, closes_on=NOV)


@pytest.mark.django_db
def test_minimum_period_unless_reasoned(city, today):
    assert conf.MIN_DAYS == 30
    with pytest.raises(DomainError, match="29 days"):
        make_consultation(
            actor=city["official"], unit=city["unit"], opens_on=NOV, closes_on=NOV + datetime.timedelta(28)
        )
    ok = make_consultation(
        actor=city["official"], unit=city["unit"], opens_on=NOV, closes_on=NOV + datetime.timedelta(29)
    )
    assert ok.period_days == 30
    short = make_consultation(
        actor=city["official"],
        unit=city["unit"],
        opens_on=NOV,
        closes_on=NOV + datetime.timedelta(9),
        short_period_reason="紧急情况",
    )
    assert short.period_days == 10 and short.short_period_reason == "紧急情况"


@pytest.mark.django_db
def test_edit_only_before_opening(city, today):
    consultation = make_consultation(actor=city["official"], unit=city["unit"], opens_on=NOV)
    with pytest.raises(DomainError):
        services.consultation_update(actor=city["official"], consultation=consultation, data={"title": "改"})


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_adoption_rate(adopted, partly, refused):
    rate = adoption_rate(adopted, partly, refused)
    if adopted + partly + refused == 0:
        assert rate is None
    else:
        assert 0 <= rate <= 100
        assert abs(rate - 100 * (adopted + partly) / (adopted + partly + refused)) <= 0.05
        if refused == 0:
            assert rate == 100


@pytest.mark.django_db
def test_edit_page_before_opening(city, today, client):
    from django.urls import reverse

    consultation = make_consultation(
        actor=city["official"], unit=city["unit"], opens_on=NOV + datetime.timedelta(5)
    )
    client.force_login(city["official"])
    url = reverse("consultations:manage_edit", args=[consultation.number])
    assert client.get(url).status_code == 200
    data = {
        "title": "改后的标题",
        "subject_kind": "policy",
        "summary": "新摘要",
        "full_text": "",
        "opens_on": "2026-11-07",
        "closes_on": "2026-11-20",
        "short_period_reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "at least 30 days" in response.content.decode()
    data["short_period_reason"] = "与试点申报衔接"
    assert client.post(url, data).status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "改后的标题" and consultation.period_days == 14
