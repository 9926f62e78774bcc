"""The city overview's coordination section: nothing for the public; scoped numbers and a bar
chart by lead unit for a signed-in viewer, in a constant number of queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coordination.matters import services
from coordination.matters.overview import matters_section
from coordination.overview import registry
from portal.clocks.tasks import sweep
from tests.factories.matters import make_matter


def metric(section, label):
    return next(m for m in section.metrics if m.label == label)


def test_public_and_outsiders_get_nothing(p):
    make_matter(p)
    assert matters_section(None) is None
    assert matters_section(p["outsider"]) is None
    assert all(s.key != "coordination" for s in registry.sections(None))


def test_numbers_are_scoped_and_the_chart_counts_by_lead_unit(p, today):
    late = make_matter(p, title="一网通办", lead="urban", cooperating=(), limit_days=2)
    make_matter(p, title="数据平台", lead="data", cooperating=(), limit_days=30)
    make_matter(p, title="雪亮工程", lead="police", cooperating=(), limit_days=30)
    done = make_matter(p, title="已完成", lead="data", cooperating=(), limit_days=30)
    services.matter_report_completion(actor=p["steward"], matter=done, text="完成")
    services.matter_accept(actor=p["coordinator"], matter=done)
    today(datetime.date(2026, 11, 5))
    sweep(today=datetime.date(2026, 11, 5))
    late.clock.refresh_from_db()
    assert late.clock.signal == "red"

    section = matters_section(p["leader"])
    assert metric(section, "Open matters").value == 3
    assert (
        metric(section, "Overdue matters").value == 1 and metric(section, "Overdue matters").signal == "red"
    )
    assert metric(section, "Matters completed this year").value == 1
    option = section.charts[0].option
    bars = dict(
        zip(option["yAxis"]["data"], zip(*(s["data"] for s in option["series"]), strict=True), strict=True)
    )
    assert bars == {"城市管理局": (1, 1), "大数据局": (1, 0), "公安局": (1, 0)}

    mine = matters_section(p["steward"])  # the big-data bureau: only its own
    assert metric(mine, "Open matters").value == 1 and metric(mine, "Matters completed this year").value == 1
    assert any(s.key == "coordination" for s in registry.sections(p["leader"]))


def test_queries_are_constant(p):
    make_matter(p, lead="urban")
    with CaptureQueriesContext(connection) as ctx:
        matters_section(p["leader"])
    few = len(ctx.captured_queries)
    for i in range(5):
        make_matter(p, title=f"事项{i}", lead=("data", "police", "district")[i % 3])
    with CaptureQueriesContext(connection) as ctx:
        matters_section(p["leader"])
    assert len(ctx.captured_queries) == few
