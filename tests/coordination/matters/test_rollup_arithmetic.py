"""Progress is computed, never typed: the weighted mean of milestones and sub-matters, in [0, 100],
100 when everything is done, monotone in completing a milestone, equal to the hand computation;
the services keep the cached value of every ancestor right."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordination.matters import rollup, services
from coordination.matters.models import Matter
from tests.factories.matters import make_matter

weights = st.integers(min_value=1, max_value=20)
milestones_st = st.lists(st.tuples(weights, st.booleans()), max_size=8)
children_st = st.lists(
    st.tuples(weights, st.integers(min_value=0, max_value=10000).map(lambda n: Decimal(n) / 100)), max_size=6
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(milestones_st, children_st, st.integers(min_value=0, max_value=100))
def test_progress_lies_between_0_and_100(milestones, children, reported):
    value = rollup.progress(milestones=milestones, children=children, reported=reported)
    assert Decimal(0) <= value <= Decimal(100)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(weights, min_size=1, max_size=8), st.lists(weights, max_size=5))
def test_all_done_is_100(milestone_weights, child_weights):
    value = rollup.progress(
        milestones=[(w, True) for w in milestone_weights], children=[(w, Decimal(100)) for w in child_weights]
    )
    assert value == Decimal(100)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(milestones_st.filter(lambda ms: any(not done for _w, done in ms)), children_st, st.data())
def test_completing_a_milestone_never_lowers_progress(milestones, children, data):
    open_ones = [i for i, (_w, done) in enumerate(milestones) if not done]
    i = data.draw(st.sampled_from(open_ones))
    after = list(milestones)
    after[i] = (after[i][0], True)
    before_value = rollup.progress(milestones=milestones, children=children)
    after_value = rollup.progress(milestones=after, children=children)
    assert after_value > before_value


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(milestones_st, children_st)
def test_equals_the_hand_computed_weighted_mean(milestones, children):
    parts = [(w, 100 if done else 0) for w, done in milestones] + [(w, float(pr)) for w, pr in children]
    value = rollup.progress(milestones=milestones, children=children, reported=37)
    if not parts:
        assert value == Decimal(37)  # no parts: the lead unit's reported estimate
    else:
        expected = sum(w * x for w, x in parts) / sum(w for w, _x in parts)
        assert abs(float(value) - expected) <= 0.005 + 1e-9


def test_a_completed_matter_counts_100():
    assert rollup.progress(milestones=[(1, False)], completed=True) == Decimal(100)


def test_the_services_roll_progress_up_to_every_ancestor(p):
    office = p["coordinator"]
    root = make_matter(p, title="城市运行管理中心建设", milestones=[{"title": "方案评审", "weight": 1}])
    hall = make_matter(
        p,
        title="指挥大厅改造",
        parent=root,
        weight=1,
        milestones=[{"title": "设计", "weight": 1}, {"title": "验收", "weight": 3}],
    )
    metrics = make_matter(p, title="指标体系", parent=root, weight=2)
    leaf = make_matter(
        p, title="指标初稿", parent=metrics, weight=1, milestones=[{"title": "初稿", "weight": 1}]
    )
    assert Matter.objects.get(pk=root.pk).progress == 0

    services.milestone_complete(actor=p["steward"], milestone=hall.milestones.get(title="验收"))
    hall.refresh_from_db()
    assert hall.progress == Decimal("75.00")
    # root: milestone (1 × 0) + hall (1 × 75) + metrics (2 × 0) over 4 = 18.75
    assert Matter.objects.get(pk=root.pk).progress == Decimal("18.75")

    services.milestone_complete(actor=p["steward"], milestone=leaf.milestones.get())
    assert Matter.objects.get(pk=metrics.pk).progress == Decimal(100)  # its only part is done
    assert Matter.objects.get(pk=root.pk).progress == Decimal("68.75")  # (0 + 75 + 200) / 4

    services.matter_cancel(actor=office, matter=hall, reason="并入其他项目")
    assert Matter.objects.get(pk=root.pk).progress == Decimal(
        "66.67"
    )  # (0 + 200) / 3: cancelled parts drop out

    services.milestone_add(actor=office, matter=metrics, title="发布", weight=1)
    assert Matter.objects.get(pk=metrics.pk).progress == Decimal("50.00")
    assert Matter.objects.get(pk=root.pk).progress == Decimal("33.33")


def test_a_leaf_without_milestones_uses_the_lead_units_estimate(p):
    matter = make_matter(p, lead="data", cooperating=("company",))
    services.progress_report_submit(actor=p["enterprise"], matter=matter, text="接口开发完成", percent=90)
    matter.refresh_from_db()
    assert (
        matter.progress == 0 and matter.reported_percent == 0
    )  # a cooperating unit's number is not the estimate
    services.progress_report_submit(actor=p["steward"], matter=matter, text="部署完成", percent=40)
    matter.refresh_from_db()
    assert matter.progress == Decimal(40) and matter.status == "in_progress"


@pytest.mark.parametrize("percent", [-1, 101, "abc"])
def test_a_bad_percentage_is_refused_with_its_field(p, percent):
    from portal.errors import DomainError

    matter = make_matter(p)
    with pytest.raises(DomainError) as exc:
        services.progress_report_submit(actor=p["steward"], matter=matter, text="x", percent=percent)
    assert exc.value.field == "percent"
