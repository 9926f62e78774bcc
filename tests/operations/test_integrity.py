"""Each integrity rule with a positive and a negative case; control computation; resolution."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from openpyxl import Workbook

from operations import integrity, services
from operations.benchmarks import benchmarks_import
from operations.models import (
    Bid,
    BidItem,
    CostBenchmark,
    FlagRule,
    FlagStatus,
    KeyStaff,
    Lot,
    QualificationEvidence,
    Tender,
)
from operations.selectors import control_graph, related_parties
from portal.audit.models import AuditEvent
from portal.errors import DomainError
from tests.operations.conftest import enterprise

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2021, 6, 30)


@pytest.fixture
def tender(project):
    tender = Tender.objects.create(
        project=project, reference="T-1", title="智慧停车社会资本采购", deadline=DEADLINE
    )
    Lot.objects.create(tender=tender, number=1, title="一标段")
    Lot.objects.create(tender=tender, number=2, title="二标段")
    return tender


@pytest.fixture
def firms(db):
    return [enterprise(f"t-firm-{i}", f"投标人{i}", f"MA35BB0{i}") for i in range(1, 5)]


def bid(tender, bidder, total, lot=1, **fields):
    return Bid.objects.create(
        lot=tender.lots.get(number=lot), bidder=bidder, quoted_total=Decimal(total), **fields
    )


def flags(tender, rule):
    return [f for f in integrity.integrity_check(actor=None, tender=tender) if f.rule == rule]


def holding(holder, company, ratio, voting=None, **dates):
    return services.shareholding_add(
        actor=None,
        data={
            "holder": holder,
            "company": company,
            "ratio": Decimal(ratio),
            "voting_ratio": Decimal(voting) if voting else None,
            **dates,
        },
    )


# -- Control ---------------------------------------------------------------------------------------


def test_control_direct(firms):
    a, b, *_ = firms
    holding(a, b, "0.51")
    graph = control_graph()
    assert graph.controls(a.pk, b.pk) and not graph.controls(b.pk, a.pk)


def test_control_needs_more_than_half(firms):
    a, b, *_ = firms
    holding(a, b, "0.50")
    assert not control_graph().controls(a.pk, b.pk)


def test_control_counts_voting_rights_not_equity(firms):
    a, b, *_ = firms
    holding(a, b, "0.40", voting="0.60")
    assert control_graph().controls(a.pk, b.pk)


def test_control_indirect_through_a_chain(firms):
    a, b, c, d = firms
    holding(a, b, "0.60")
    holding(b, c, "0.70")
    holding(c, d, "0.55")
    graph = control_graph()
    assert graph.controls(a.pk, d.pk)
    assert related_parties(b, d)["kind"] == "controls"


def test_control_adds_up_across_controlled_companies(firms):
    a, b, c, d = firms
    holding(a, b, "0.80")
    holding(a, d, "0.30")
    holding(b, d, "0.30")  # A holds 30% directly and 30% through B, which it controls
    holding(c, d, "0.40")
    assert control_graph().controls(a.pk, d.pk)
    assert not control_graph().controls(c.pk, d.pk)


def test_control_respects_validity(firms):
    a, b, *_ = firms
    holding(a, b, "0.90", valid_until=datetime.date(2020, 12, 31))
    assert control_graph(datetime.date(2020, 6, 1)).controls(a.pk, b.pk)
    assert not control_graph(datetime.date(2021, 6, 1)).controls(a.pk, b.pk)


def test_common_controller_and_same_legal_rep(firms):
    a, b, c, d = firms
    holding(a, b, "0.60")
    holding(a, c, "0.60")
    assert related_parties(b, c)["kind"] == "common_controller"
    assert related_parties(b, d) is None
    services.party_profile_save(actor=None, unit=b, data={"legal_rep_name": "王五"})
    services.party_profile_save(actor=None, unit=d, data={"legal_rep_name": "王五"})
    assert related_parties(b, d)["kind"] == "same_legal_rep"


# -- Rules -----------------------------------------------------------------------------------------


def test_same_legal_representative(tender, firms):
    a, b, c, _ = firms
    for unit, rep in ((a, "110101199001011237"), (b, "110101199001011237"), (c, "110101198501011234")):
        services.party_profile_save(
            actor=None, unit=unit, data={"legal_rep_name": "张三", "legal_rep_id_number": rep}
        )
    bid(tender, a, "100")
    bid(tender, b, "200")
    bid(tender, c, "300")
    found = flags(tender, FlagRule.SAME_LEGAL_REP)
    assert len(found) == 1  # c's representative has the same name but another ID number
    assert {b.bidder for b in found[0].bids.all()} == {a, b}
    assert "*" in found[0].evidence["id_number"] and "110101199001011237" not in str(found[0].evidence)


def test_same_legal_representative_in_different_lots_is_not_flagged(tender, firms):
    a, b, *_ = firms
    for unit in (a, b):
        services.party_profile_save(actor=None, unit=unit, data={"legal_rep_name": "张三"})
    bid(tender, a, "100", lot=1)
    bid(tender, b, "200", lot=2)
    assert flags(tender, FlagRule.SAME_LEGAL_REP) == []


def test_control_between_bidders(tender, firms):
    a, b, c, d = firms
    holding(a, b, "0.60")
    holding(b, c, "0.60")
    bid(tender, a, "100")
    bid(tender, c, "250")
    bid(tender, d, "400")
    found = flags(tender, FlagRule.CONTROL)
    assert len(found) == 1 and found[0].evidence["controller"] == a.name


def test_control_through_consortium_member(tender, firms):
    a, b, c, _d = firms
    holding(a, c, "0.60")
    first = bid(tender, b, "100")
    first.consortium_members.add(a)
    bid(tender, c, "300")
    assert len(flags(tender, FlagRule.CONTROL)) == 1


def test_minority_holding_between_bidders_not_flagged(tender, firms):
    a, b, *_ = firms
    holding(a, b, "0.30")
    bid(tender, a, "100")
    bid(tender, b, "300")
    assert flags(tender, FlagRule.CONTROL) == []


def test_foreign_evidence(tender, firms):
    a, b, c, _ = firms
    first = bid(tender, a, "100")
    QualificationEvidence.objects.create(bid=first, title="ISO27001证书", owner=c)
    QualificationEvidence.objects.create(bid=first, title="营业执照", owner=a)
    second = bid(tender, b, "300")
    second.consortium_members.add(c)
    QualificationEvidence.objects.create(
        bid=second, title="系统集成资质", owner=c
    )  # a consortium member's own
    found = flags(tender, FlagRule.FOREIGN_EVIDENCE)
    assert len(found) == 1 and found[0].evidence == {
        "bidder": a.name,
        "document": "ISO27001证书",
        "owner": c.name,
    }


def test_shared_key_staff(tender, firms):
    a, b, c, _ = firms
    KeyStaff.objects.create(bid=bid(tender, a, "100"), name="李四", id_number="110101199003071234")
    KeyStaff.objects.create(bid=bid(tender, b, "300", lot=2), name="李四", id_number="110101199003071234")
    KeyStaff.objects.create(bid=bid(tender, c, "500"), name="李四", id_number="110101199203071236")
    found = flags(tender, FlagRule.SHARED_STAFF)
    assert len(found) == 1 and found[0].bids.count() == 2
    assert "李四" not in str(found[0].evidence)


def test_shared_key_staff_same_bidder_two_lots_not_flagged(tender, firms):
    a, *_ = firms
    KeyStaff.objects.create(bid=bid(tender, a, "100", lot=1), name="李四", id_number="110101199003071234")
    KeyStaff.objects.create(bid=bid(tender, a, "300", lot=2), name="李四", id_number="110101199003071234")
    assert flags(tender, FlagRule.SHARED_STAFF) == []


def test_shared_deposit_account(tender, firms):
    a, b, c, _ = firms
    bid(tender, a, "100", deposit_account="6222 0000 1111")
    bid(tender, b, "300", deposit_account="622200001111")
    bid(tender, c, "500", deposit_account="6222 0000 2222")
    found = flags(tender, FlagRule.SHARED_ACCOUNT)
    assert len(found) == 1 and found[0].bids.count() == 2


def test_similar_totals(tender, firms):
    a, b, c, _ = firms
    bid(tender, a, "1000000.00")
    bid(tender, b, "1004000.00")  # 0.4% above
    bid(tender, c, "1100000.00")
    found = flags(tender, FlagRule.SIMILAR_PRICES)
    assert len(found) == 1 and found[0].evidence["gap"] == "0.004000"


def test_totals_just_outside_tolerance_not_flagged(tender, firms):
    a, b, *_ = firms
    bid(tender, a, "1000000.00")
    bid(tender, b, "1006000.00")
    assert flags(tender, FlagRule.SIMILAR_PRICES) == []


@override_settings(PPP_SIMILAR_PRICE_TOLERANCE="0.01")
def test_similarity_tolerance_is_a_setting(tender, firms):
    a, b, *_ = firms
    bid(tender, a, "1000000.00")
    bid(tender, b, "1006000.00")
    assert len(flags(tender, FlagRule.SIMILAR_PRICES)) == 1


def test_identical_unit_price_vectors(tender, firms):
    a, b, c, _ = firms
    bids = [bid(tender, a, "1000"), bid(tender, b, "1500"), bid(tender, c, "2000")]
    for index, one in enumerate(bids):
        BidItem.objects.create(bid=one, item="检测器", unit="个", unit_price=Decimal("400"))
        BidItem.objects.create(bid=one, item="平台", unit="套", unit_price=Decimal("9000") + index // 2)
    found = flags(tender, FlagRule.SIMILAR_PRICES)
    assert len(found) == 1 and {x.bidder for x in found[0].bids.all()} == {a, b}


def test_newly_incorporated(tender, firms):
    a, b, *_ = firms
    services.party_profile_save(
        actor=None, unit=a, data={"incorporated_on": DEADLINE - datetime.timedelta(days=30)}
    )
    services.party_profile_save(
        actor=None, unit=b, data={"incorporated_on": DEADLINE - datetime.timedelta(days=400)}
    )
    bid(tender, a, "100")
    bid(tender, b, "900")
    found = flags(tender, FlagRule.NEW_COMPANY)
    assert len(found) == 1 and found[0].evidence["days_before_deadline"] == 30


def test_blacklisted(tender, firms):
    a, b, *_ = firms
    services.party_profile_save(actor=None, unit=a, data={"blacklisted_until": DEADLINE})
    services.party_profile_save(
        actor=None, unit=b, data={"blacklisted_until": DEADLINE - datetime.timedelta(days=1)}
    )
    bid(tender, a, "100")
    bid(tender, b, "900")
    found = flags(tender, FlagRule.BLACKLISTED)
    assert len(found) == 1 and found[0].evidence["party"] == a.name


def test_above_benchmark(tender, firms):
    a, b, *_ = firms
    CostBenchmark.objects.create(
        item="检测器",
        unit="个",
        region="云溪市",
        year=2020,
        p25=Decimal("300"),
        p50=Decimal("350"),
        p75=Decimal("420"),
    )
    BidItem.objects.create(bid=bid(tender, a, "100"), item="检测器", unit="个", unit_price=Decimal("420.01"))
    BidItem.objects.create(bid=bid(tender, b, "900"), item="检测器", unit="个", unit_price=Decimal("420.00"))
    found = flags(tender, FlagRule.ABOVE_BENCHMARK)
    assert len(found) == 1 and found[0].evidence["benchmark"] == "420.0000"
    assert found[0].evidence["benchmark_year"] == 2020
    with override_settings(PPP_BENCHMARK_PERCENTILE="p50"):
        assert len(flags(tender, FlagRule.ABOVE_BENCHMARK)) == 2


def test_clean_tender_has_no_flags(tender, firms):
    a, b, *_ = firms
    bid(tender, a, "100")
    bid(tender, b, "900")
    assert integrity.integrity_check(actor=None, tender=tender) == []


# -- Resolution ------------------------------------------------------------------------------------


def test_resolution_kept_on_recheck_and_audited(city, tender, firms):
    a, b, *_ = firms
    bid(tender, a, "100", deposit_account="1")
    bid(tender, b, "900", deposit_account="1")
    (flag,) = integrity.integrity_check(actor=city.manager, tender=tender)
    with pytest.raises(DomainError):
        integrity.flag_resolve(actor=city.manager, flag=flag, status=FlagStatus.DISMISSED, reason=" ")
    with pytest.raises(PermissionDenied):
        integrity.flag_resolve(actor=city.outsider, flag=flag, status=FlagStatus.CONFIRMED, reason="")
    integrity.flag_resolve(
        actor=city.manager, flag=flag, status=FlagStatus.DISMISSED, reason="集团统一代缴，已核实"
    )
    (again,) = integrity.integrity_check(actor=city.manager, tender=tender)
    assert again.pk == flag.pk and again.status == FlagStatus.DISMISSED
    assert AuditEvent.objects.filter(action="ppp.flag_resolve").count() == 1
    assert AuditEvent.objects.filter(action="ppp.integrity_check").count() == 2


def test_open_flag_removed_when_finding_disappears(tender, firms):
    a, b, *_ = firms
    bid(tender, a, "100", deposit_account="1")
    second = bid(tender, b, "900", deposit_account="1")
    assert len(integrity.integrity_check(actor=None, tender=tender)) == 1
    second.deposit_account = "2"
    second.save()
    assert integrity.integrity_check(actor=None, tender=tender) == []
    assert tender.flags.count() == 0


# -- Benchmarks import -----------------------------------------------------------------------------


def workbook(rows, header=("item", "unit", "region", "year", "p25", "p50", "p75", "source")) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_benchmark_import_creates_and_updates(city):
    report = benchmarks_import(
        actor=city.manager,
        fileobj=workbook(
            [
                ("检测器", "个", "云溪市", 2024, 300, 350, 420.5, "市场询价"),
                ("平台", "套", "云溪市", 2024, "1", "2", "3"),
            ]
        ),
    )
    assert report.ok and report.created == 2
    assert CostBenchmark.objects.get(item="检测器").p75 == Decimal("420.5")
    report = benchmarks_import(
        actor=city.manager, fileobj=workbook([("检测器", "个", "云溪市", 2024, 300, 360, 420.5)])
    )
    assert report.ok and report.updated == 1
    assert AuditEvent.objects.filter(action="ppp.benchmarks_import").count() == 2


def test_benchmark_import_all_or_nothing_with_row_report(city):
    report = benchmarks_import(
        actor=city.manager,
        fileobj=workbook(
            [
                ("检测器", "个", "云溪市", 2024, 300, 350, 420),
                ("平台", "套", "云溪市", "明年", 1, 2, 3),
                ("网关", "台", "云溪市", 2024, 5, 4, 6),
                ("", "台", "云溪市", 2024, 1, 2, "x"),
                ("检测器", "个", "云溪市", 2024, 300, 350, 420),
            ]
        ),
    )
    assert not report.ok
    where = {(e.row, e.column) for e in report.errors}
    assert {(3, "year"), (4, "p50"), (5, "item"), (5, "p75"), (6, "item")} <= where
    assert CostBenchmark.objects.count() == 0


def test_benchmark_import_bad_file_and_header(city):
    assert not benchmarks_import(actor=city.manager, fileobj=io.BytesIO(b"not a workbook")).ok
    report = benchmarks_import(actor=city.manager, fileobj=workbook([], header=("item", "unit")))
    assert report.errors[0].row == 1


def test_benchmark_import_needs_permission(city):
    with pytest.raises(PermissionDenied):
        benchmarks_import(actor=city.citizen, fileobj=workbook([]))
