"""Each provider's figures, exactly, for a city-wide viewer, a department viewer and the public
(fixtures: tests/factories/overview.py, with n objects per area)."""

import pytest

from approvals import overview as approvals_overview
from approvals.supervision import stats
from coordination.overview import figures
from operations import overview as ppp_overview
from portal.clocks import services as clock_services
from sharing import overview as sharing_overview
from tests.coordination.overview.conftest import by_label
from tests.factories.overview import populate

N = 3


@pytest.fixture
def city3(city):
    populate(city, N)
    return city


# -- approvals --------------------------------------------------------------------------------------------


def test_approvals_city_wide(city3):
    section = approvals_overview.section(city3.leader)
    assert section.scope == "City-wide"
    assert by_label(section) == {
        "Applications this month": 4 * N,
        "Applications this year": 4 * N,
        "Granted this year": 2 * N,
        "Cases finished this year": 2 * N,
        "On-time rate this year": round(100 * (2 * N - 1) / (2 * N), 1),
        "Average working days used": 3.0,
        "Open cases overdue (red)": N,
        "Open cases near the limit (yellow)": 0,
        "Open cases on track (green)": N,
    }
    assert section.url == "/supervision/public/"
    chart = section.charts[0].option
    assert chart["series"][0]["data"][-1] == 4 * N
    assert chart["series"][1]["data"][-1] == round(100 * (2 * N - 1) / (2 * N), 1)
    assert len(chart["xAxis"]["data"]) == 12


def test_approvals_department_sees_only_its_own(city3):
    a = by_label(approvals_overview.section(city3.reviewer_a))
    b = by_label(approvals_overview.section(city3.reviewer_b))
    assert a["Applications this month"] == 2 * N and a["Granted this year"] == N
    assert a["On-time rate this year"] == 100.0 and a["Average working days used"] == 2.0
    assert a["Open cases overdue (red)"] == 0 and a["Open cases on track (green)"] == N
    assert (
        b["On-time rate this year"] == round(100 * (N - 1) / N, 1) and b["Average working days used"] == 4.0
    )
    assert b["Open cases overdue (red)"] == N and b["Open cases on track (green)"] == 0
    assert approvals_overview.section(city3.reviewer_a).scope == "测试市行政审批局"
    assert approvals_overview.section(city3.reviewer_a).url == "/work/"


def test_approvals_supervisor_sees_the_government_and_links_to_supervision(city3):
    section = approvals_overview.section(city3.supervisor)
    assert section.url == "/supervision/"
    assert section.scope == "测试市人民政府"
    assert by_label(section)["Open cases overdue (red)"] == N
    red = next(m for m in section.metrics if m.label == "Open cases overdue (red)")
    assert red.url == "/supervision/?signal=red" and red.signal == "red"


def test_approvals_public_shows_only_published_timing(city3):
    section = approvals_overview.section(None)
    assert section.public
    assert by_label(section) == {
        "Cases finished this year": 2 * N,
        "On-time rate this year": round(100 * (2 * N - 1) / (2 * N), 1),
        "Average working days used": 3.0,
    }


def test_monthly_series_equals_the_monthly_statistics(city3):
    today = clock_services.local_today()
    first = figures.month_start(today)
    for paths in (None, [city3.a.path], [city3.b.path]):
        month = stats.monthly_stats(first=first, last=today, paths=paths).tasks_total
        series = stats.monthly_series(first=first, last=today, paths=paths)[-1]
        assert (series.count, series.on_time, series.avg_used, series.avg_limit) == (
            month.count,
            month.on_time,
            month.avg_used,
            month.avg_limit,
        )


def test_open_signal_counts_equal_the_supervision_dashboard(city3):
    from approvals.supervision import selectors

    board = selectors.dashboard(user=city3.supervisor)
    counts = selectors.open_signal_counts(paths=approvals_overview.viewer_scope(city3.supervisor).paths)
    assert counts == board.counts


# -- sharing ----------------------------------------------------------------------------------------------


def test_sharing_city_wide(city3):
    section = sharing_overview.section(city3.leader)
    assert by_label(section) == {
        "Departments connected": 3,
        "Published data resources": 2 * N,
        "Data requests pending": N,
        "Data requests approved": N,
        "Exchange calls this month": 2 * N,
        "Return-flow rows this month": 10,
    }
    notes = {m.label: m.note for m in section.metrics}
    assert notes["Published data resources"] == "Topics covered: 2"
    assert notes["Exchange calls this month"] == f"{N} refused"
    assert notes["Return-flow rows this month"] == "Records held by the receiving units: 1"
    chart = section.charts[0].option
    assert len(chart["xAxis"]["data"]) == 30
    assert chart["series"][0]["data"][-1] == 2 * N and sum(chart["series"][0]["data"]) == 2 * N
    assert chart["series"][1]["data"][-1] == N


def test_sharing_steward_sees_his_units_only(city3):
    section = sharing_overview.section(city3.steward_a)
    assert section.scope == "测试市行政审批局"
    assert by_label(section) == {
        "Departments connected": 2,
        "Published data resources": N,
        "Data requests pending": N,
        "Data requests approved": 0,
        "Exchange calls this month": N,
        "Return-flow rows this month": 10,
    }
    assert section.url == "/data/exchange/stats/"


def test_sharing_public_counts_open_data_only(city3):
    section = sharing_overview.section(None)
    assert section.public
    assert by_label(section) == {
        "Open data resources": N,
        "Open data topics": 1,
        "Departments publishing open data": 1,
    }
    assert section.charts[0].option["series"][0]["data"] == [{"name": "测试人口", "value": N}]


# -- PPP --------------------------------------------------------------------------------------------------


def test_ppp_city_wide(city3):
    section = ppp_overview.section(city3.leader)
    assert by_label(section) == {
        "PPP projects": 2 * N,
        "Total investment": 300.0 * N,
        "Average latest evaluation score": 85.0,
        "Payments calculated this year": 10.0 * N,
        "Projects with open integrity flags": 1,
    }
    stages = section.charts[0].option
    assert dict(zip(stages["xAxis"]["data"], stages["series"][0]["data"], strict=True)) == {
        "Identification": 0,
        "Preparation": 0,
        "Procurement": N,
        "Execution": N,
        "Transfer": 0,
    }


def test_ppp_agency_official_sees_its_projects(city3):
    a = by_label(ppp_overview.section(city3.reviewer_a))
    assert a == {
        "PPP projects": N,
        "Total investment": 100.0 * N,
        "Average latest evaluation score": 90.0,
        "Payments calculated this year": 10.0 * N,
        "Projects with open integrity flags": 0,
    }
    assert by_label(ppp_overview.section(city3.reviewer_b))["Projects with open integrity flags"] == 1


def test_ppp_public_shows_disclosed_projects_only(city3):
    section = ppp_overview.section(None)
    assert by_label(section) == {
        "Projects disclosed": N,
        "Total investment": 100.0 * N,
        "Average published evaluation score": 90.0,
    }
    labels = " ".join(m.label for m in section.metrics)
    assert "flag" not in labels and "Payment" not in labels
