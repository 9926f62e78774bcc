"""The officials' year page and the `deadline` template filter."""

from datetime import date

import chinese_calendar
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import OfficialFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.workcal.urls")]


@pytest.fixture
def official_client(client):
    client.force_login(OfficialFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def cell(html: str, day: date) -> str:
    """The opening tag of the day's cell in the month grids."""
    marker = f'data-date="{day.isoformat()}"'
    start = html.rindex("<td", 0, html.index(marker))
    return html[start : html.index(">", start) + 1]


def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in (reverse("workcal:current"), reverse("workcal:year", args=[2026])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_confirmed_year(official_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = official_client.get(reverse("workcal:year", args=[2025]))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["months"]) == 12
    assert all(len(week) == 7 for m in response.context["months"] for week in m["weeks"])
    assert response.context["months"][0]["weeks"][0][0].date.weekday() == 0  # Monday first
    assert 'id="provisional-banner"' not in html
    assert "wc-holiday" in cell(html, date(2025, 10, 1))  # National Day
    assert "国庆节" in cell(html, date(2025, 10, 1))
    assert "wc-makeup" in cell(html, date(2025, 9, 28))  # Sunday make-up working day
    assert "wc-weekend" in cell(html, date(2025, 9, 27))
    assert "wc-workday" in cell(html, date(2025, 9, 30))
    assert response.context["working_days"] == len(
        chinese_calendar.get_workdays(date(2025, 1, 1), date(2025, 12, 31))
    )
    assert response.context["makeup_count"] == 5


def test_a_provisional_year_has_a_banner(official_client):
    html = official_client.get(reverse("workcal:year", args=[2027])).content.decode()
    assert 'id="provisional-banner"' in html
    assert "is provisional" in html
    assert "wc-holiday" in cell(html, date(2027, 1, 1))


def test_a_year_without_data_renders_as_monday_to_friday(official_client):
    response = official_client.get(reverse("workcal:year", args=[2040]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no calendar for 2040 yet" in html
    assert "wc-workday" in cell(html, date(2040, 1, 2))
    assert response.context["holiday_count"] == 0


def test_the_current_year_by_default_and_out_of_range_years(official_client):
    response = official_client.get(reverse("workcal:current"))
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert official_client.get("/calendar/9999/").status_code == 404


def render_deadline(d):
    with translation.override("en"):
        return Template("{% load workcal %}{{ d|deadline }}").render(Context({"d": d}))


def test_deadline_filter_flags_provisional_dates():
    confirmed = render_deadline(date(2026, 12, 31))
    assert '<time datetime="2026-12-31">' in confirmed
    assert "provisional" not in confirmed
    assert "provisional" in render_deadline(date(2027, 1, 4))
    assert "provisional" in render_deadline(date(2040, 1, 4))  # no data at all
    assert render_deadline(None) == ""
