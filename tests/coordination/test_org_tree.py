"""The organisation tree keeps its invariants through the services (coordination.services)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from coordination import selectors, services
from coordination.models import (
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
)
from portal.errors import Conflict, DomainError
from tests.factories import (
    FunctionalLineFactory,
    LeadingGroupMemberFactory,
    OfficialFactory,
    OrgUnitFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def assert_tree_clean():
    problems = OrgUnit.objects.find_problems()
    assert all(lst == [] for lst in problems), problems


def tree_snapshot():
    return list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "depth", "numchild", "name"))


def fresh(unit):
    return OrgUnit.objects.get(pk=unit.pk)


@pytest.fixture
def tree():
    """city ─┬─ health ─┬─ clinic ── ward
          │          └─ lab
          └─ market
    province (a second root)"""
    city = OrgUnitFactory(code="city", kind=OrgKind.GOVERNMENT)
    health = OrgUnitFactory(code="health", parent=city)
    clinic = OrgUnitFactory(code="clinic", parent=health, kind=OrgKind.INSTITUTION, level=None)
    ward = OrgUnitFactory(code="ward", parent=clinic, kind=OrgKind.INSTITUTION, level=None)
    lab = OrgUnitFactory(code="lab", parent=health, kind=OrgKind.INSTITUTION, level=None)
    market = OrgUnitFactory(code="market", parent=city)
    province = OrgUnitFactory(code="province", kind=OrgKind.GOVERNMENT, level=OrgLevel.PROVINCIAL)
    return {u.code: fresh(u) for u in (city, health, clinic, ward, lab, market, province)}


# --- Structure -------------------------------------------------------------------------------


def test_created_roots_and_children_have_consistent_depth_numchild_and_path(tree):
    city, health, clinic, ward = tree["city"], tree["health"], tree["clinic"], tree["ward"]
    assert [u.code for u in OrgUnit.objects.get_root_nodes()] == ["city", "province"]
    assert (city.depth, health.depth, clinic.depth, ward.depth) == (1, 2, 3, 4)
    assert (city.numchild, health.numchild, clinic.numchild, ward.numchild) == (2, 2, 1, 0)
    assert tree["province"].numchild == 0
    for child, parent in [
        (health, city),
        (clinic, health),
        (ward, clinic),
        (tree["lab"], health),
        (tree["market"], city),
    ]:
        assert OrgUnit.objects.get_parent(child) == parent
        assert child.path.startswith(parent.path)
        assert len(child.path) == len(parent.path) + OrgUnit.steplen
    assert OrgUnit.objects.get_parent(city) is None
    assert [u.code for u in OrgUnit.objects.get_children(health)] == ["clinic", "lab"]
    assert_tree_clean()


def test_created_unit_gets_its_name_as_primary_nameplate(tree):
    plates = list(tree["health"].nameplates.all())
    assert [(p.name, p.is_primary) for p in plates] == [(tree["health"].name, True)]


def test_sibling_insert_keeps_the_tree_consistent(tree):
    unit = services.org_unit_create(
        actor=None,
        parent=tree["health"],
        data={"code": "pharmacy", "name": "药房", "kind": OrgKind.INSTITUTION},
    )
    services.org_unit_move(actor=None, unit=unit, target=tree["clinic"], position="left")
    health = fresh(tree["health"])
    assert [u.code for u in OrgUnit.objects.get_children(health)] == ["pharmacy", "clinic", "lab"]
    assert health.numchild == 3
    assert_tree_clean()


# --- Move ------------------------------------------------------------------------------------


def test_move_under_own_descendant_is_refused_and_changes_nothing(tree):
    before = tree_snapshot()
    with pytest.raises(DomainError) as info:
        services.org_unit_move(actor=None, unit=tree["health"], target=tree["ward"])
    assert info.value.field == "parent"
    assert "cycle" in str(info.value.message)
    assert tree_snapshot() == before
    assert_tree_clean()


def test_move_under_itself_is_refused_and_changes_nothing(tree):
    before = tree_snapshot()
    with pytest.raises(DomainError):
        services.org_unit_move(actor=None, unit=tree["health"], target=tree["health"])
    assert tree_snapshot() == before


def test_move_preserves_the_subtree(tree):
    services.org_unit_move(actor=None, unit=tree["health"], target=tree["province"])
    health, province, city = fresh(tree["health"]), fresh(tree["province"]), fresh(tree["city"])
    assert OrgUnit.objects.get_parent(health) == province
    assert health.depth == 2
    assert [u.code for u in OrgUnit.objects.get_descendants(health)] == ["clinic", "ward", "lab"]
    assert OrgUnit.objects.get_parent(fresh(tree["ward"])) == fresh(tree["clinic"])
    assert fresh(tree["ward"]).depth == 4
    assert OrgUnit.objects.get_parent(fresh(tree["lab"])) == health
    assert (province.numchild, city.numchild, health.numchild) == (1, 1, 2)
    assert [u.code for u in OrgUnit.objects.get_children(city)] == ["market"]
    assert_tree_clean()


def test_move_to_root_when_target_is_none(tree):
    services.org_unit_move(actor=None, unit=tree["clinic"], target=None)
    clinic = fresh(tree["clinic"])
    assert clinic.is_root()
    assert clinic.depth == 1
    assert OrgUnit.objects.get_parent(fresh(tree["ward"])) == clinic
    assert fresh(tree["health"]).numchild == 1
    assert_tree_clean()


# --- Delete ----------------------------------------------------------------------------------


def assert_delete_blocked(unit, reason_text):
    before = tree_snapshot()
    with pytest.raises(Conflict) as info:
        services.org_unit_delete(actor=None, unit=unit)
    message = str(info.value.message)
    assert unit.name in message
    assert reason_text in message, message
    assert info.value.status_code == 409
    assert tree_snapshot() == before


def test_delete_refused_when_the_unit_has_children(tree):
    assert_delete_blocked(tree["health"], "it has 2 sub-units")


def test_delete_refused_when_people_hold_positions(tree):
    PositionFactory(unit=tree["market"])
    assert_delete_blocked(tree["market"], "1 person holds a position in it")


def test_delete_refused_when_a_leading_group_has_members(tree):
    group = OrgUnitFactory(code="group", parent=tree["city"], kind=OrgKind.LEADING_GROUP)
    LeadingGroupMemberFactory(group=group, represents=tree["market"])
    assert_delete_blocked(fresh(group), "it has 1 leading-group member")


def test_delete_refused_when_the_unit_is_represented_in_a_leading_group(tree):
    group = OrgUnitFactory(code="group", parent=tree["city"], kind=OrgKind.LEADING_GROUP)
    LeadingGroupMemberFactory(group=group, represents=tree["market"])
    assert_delete_blocked(tree["market"], "it holds 1 seat in a leading group")


def test_delete_refused_when_the_unit_is_a_line_superior(tree):
    line = FunctionalLineFactory(code="health")
    superior = OrgUnitFactory(code="jl-health", parent=tree["province"], level=OrgLevel.PROVINCIAL, line=line)
    OrgUnitFactory(code="yx-health", parent=tree["city"], line=line, line_superior=superior)
    assert_delete_blocked(fresh(superior), "it is the line superior of 1 unit")


def test_delete_message_lists_every_reason(tree):
    PositionFactory(unit=tree["health"])
    with pytest.raises(Conflict) as info:
        services.org_unit_delete(actor=None, unit=tree["health"])
    assert "sub-units" in info.value.message and "position" in info.value.message


def test_delete_of_a_leaf_is_allowed(tree):
    ward = tree["ward"]
    Nameplate.objects.create(unit=ward, name="旧牌子")
    services.org_unit_delete(actor=None, unit=ward)
    assert not OrgUnit.objects.filter(pk=ward.pk).exists()
    assert not Nameplate.objects.filter(unit_id=ward.pk).exists()
    assert fresh(tree["clinic"]).numchild == 0
    assert fresh(tree["clinic"]).is_leaf()
    assert_tree_clean()


# --- Line superiors (条) -------------------------------------------------------------------------


@pytest.fixture
def lines(tree):
    health = FunctionalLineFactory(code="health")
    market = FunctionalLineFactory(code="market-line")
    nhc = OrgUnitFactory(code="nhc", kind=OrgKind.DEPARTMENT, level=OrgLevel.NATIONAL, line=health)
    jl_health = OrgUnitFactory(
        code="jl-health", parent=tree["province"], level=OrgLevel.PROVINCIAL, line=health
    )
    jl_market = OrgUnitFactory(
        code="jl-market", parent=tree["province"], level=OrgLevel.PROVINCIAL, line=market
    )
    return {"health": health, "market": market, "nhc": nhc, "jl_health": jl_health, "jl_market": jl_market}


def create_city_unit(tree, **data):
    return services.org_unit_create(
        actor=None,
        parent=tree["city"],
        data={
            "code": "yx-health",
            "name": "市卫健委",
            "kind": OrgKind.DEPARTMENT,
            "level": OrgLevel.MUNICIPAL,
            **data,
        },
    )


def test_line_superior_in_the_same_line_one_level_up_is_accepted(tree, lines):
    unit = create_city_unit(tree, line=lines["health"], line_superior=lines["jl_health"])
    assert fresh(unit).line_superior == lines["jl_health"]
    assert list(lines["jl_health"].line_inferiors.all()) == [fresh(unit)]


def test_line_superior_in_another_line_is_rejected(tree, lines):
    with pytest.raises(ValidationError) as info:
        create_city_unit(tree, line=lines["health"], line_superior=lines["jl_market"])
    assert "same functional line" in " ".join(info.value.message_dict["line_superior"])
    assert not OrgUnit.objects.filter(code="yx-health").exists()


@pytest.mark.parametrize(
    ("superior", "level"),
    [
        ("nhc", OrgLevel.MUNICIPAL),  # two levels up
        ("jl_health", OrgLevel.PROVINCIAL),  # same level
        ("jl_health", OrgLevel.DISTRICT),  # two levels up from a district
    ],
)
def test_line_superior_at_the_wrong_level_is_rejected(tree, lines, superior, level):
    with pytest.raises(ValidationError) as info:
        create_city_unit(tree, level=level, line=lines["health"], line_superior=lines[superior])
    assert "exactly one level above" in " ".join(info.value.message_dict["line_superior"])
    assert not OrgUnit.objects.filter(code="yx-health").exists()


def test_line_superior_without_a_line_is_rejected(tree, lines):
    with pytest.raises(ValidationError) as info:
        create_city_unit(tree, line_superior=lines["jl_health"])
    assert "line" in info.value.message_dict


def test_line_superior_rule_also_applies_on_update(tree, lines):
    unit = create_city_unit(tree, line=lines["health"], line_superior=lines["jl_health"])
    with pytest.raises(ValidationError) as info:
        services.org_unit_update(actor=None, unit=unit, data={"level": OrgLevel.DISTRICT})
    assert "line_superior" in info.value.message_dict
    assert fresh(unit).level == OrgLevel.MUNICIPAL


# --- Nameplates (三块牌子一套人马) ------------------------------------------------------------------


@pytest.fixture
def office(tree):
    unit = OrgUnitFactory(
        code="smart-office", name="云溪市智慧城市办公室", parent=tree["city"], kind=OrgKind.OFFICE
    )
    Nameplate.objects.create(unit=unit, name="中共云溪市委网络安全和信息化委员会办公室", short_name="网信办")
    Nameplate.objects.create(unit=unit, name="云溪市信息化工作办公室", short_name="信息办")
    return fresh(unit)


def test_setting_a_primary_nameplate_renames_the_unit(office):
    plate = office.nameplates.get(short_name="信息办")
    services.nameplate_set_primary(actor=None, nameplate=plate)
    office = fresh(office)
    assert office.name == "云溪市信息化工作办公室"
    primaries = list(office.nameplates.filter(is_primary=True).values_list("name", flat=True))
    assert primaries == ["云溪市信息化工作办公室"]
    assert office.nameplates.count() == 3  # the old primary stays as a secondary nameplate


def test_only_one_primary_nameplate_per_unit_at_database_level(office):
    with pytest.raises(IntegrityError), transaction.atomic():
        Nameplate.objects.create(unit=office, name="第四块牌子", is_primary=True)
    assert office.nameplates.filter(is_primary=True).count() == 1


def test_search_by_a_secondary_nameplate_finds_the_unit(office, tree):
    official = OfficialFactory()
    found = selectors.org_unit_list(user=official, filters={"q": "信息化工作"})
    assert [u.code for u in found] == ["smart-office"]
    assert [u.code for u in selectors.org_unit_list(user=official, filters={"q": "网络安全"})] == [
        "smart-office"
    ]


def test_search_is_empty_for_someone_who_may_not_see_the_chart(office):
    applicant = UserFactory()  # a citizen
    assert list(selectors.org_unit_list(user=applicant, filters={"q": "信息化工作"})) == []


# --- Leading groups (领导小组) -------------------------------------------------------------------


def test_leading_group_with_three_co_leaders_one_from_an_enterprise(tree):
    party = OrgUnitFactory(code="party", parent=tree["province"], kind=OrgKind.PARTY_COMMITTEE)
    company = OrgUnitFactory(code="company", kind=OrgKind.ENTERPRISE, level=None, uscc="91350100M000100Y43")
    group = OrgUnitFactory(code="group", parent=tree["city"], kind=OrgKind.LEADING_GROUP)
    for order, (person, title, unit) in enumerate(
        [("何志远", "市委副书记", party), ("陈立明", "市长", tree["city"]), ("马晓峰", "总经理", company)]
    ):
        seat = LeadingGroupMember(
            group=group,
            role=LeadingGroupRole.CO_LEADER,
            person_name=person,
            title=title,
            represents=unit,
            sort_order=order,
        )
        seat.full_clean()
        seat.save()
    LeadingGroupMember.objects.create(
        group=group, role=LeadingGroupRole.DEPUTY_LEADER, person_name="宋文华", represents=tree["city"]
    )

    detail = selectors.leading_group_detail(user=OfficialFactory(), code="group")
    co_leaders = detail["by_role"][LeadingGroupRole.CO_LEADER]
    assert [s.person_name for s in co_leaders] == ["何志远", "陈立明", "马晓峰"]
    assert [s.represents.kind for s in co_leaders].count(OrgKind.ENTERPRISE) == 1
    assert len(detail["by_role"][LeadingGroupRole.DEPUTY_LEADER]) == 1


def test_member_of_a_unit_that_is_not_a_leading_group_fails_clean(tree):
    seat = LeadingGroupMember(
        group=tree["health"], role=LeadingGroupRole.MEMBER, person_name="某人", represents=tree["market"]
    )
    with pytest.raises(ValidationError) as info:
        seat.clean()
    assert "group" in info.value.message_dict
    assert "leading group" in info.value.message_dict["group"][0]


# --- Concurrency ---------------------------------------------------------------------------------


def run_at_the_same_moment(workers, target):
    """Run target(i) in `workers` real threads released together; return what they raised."""
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run(i):
        try:
            barrier.wait(timeout=10)
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_children_under_one_parent_get_distinct_paths():
    parent = services.org_unit_create(
        actor=None,
        parent=None,
        data={
            "code": "race-parent",
            "name": "父单位",
            "kind": OrgKind.GOVERNMENT,
            "level": OrgLevel.MUNICIPAL,
        },
    )
    workers = 8

    def add_child(i):
        services.org_unit_create(
            actor=None,
            parent=parent,
            data={
                "code": f"race-{i}",
                "name": f"子单位{i}",
                "kind": OrgKind.DEPARTMENT,
                "level": OrgLevel.MUNICIPAL,
            },
        )

    assert run_at_the_same_moment(workers, add_child) == []

    children = list(OrgUnit.objects.filter(code__startswith="race-").exclude(pk=parent.pk))
    assert len(children) == workers
    assert len({c.path for c in children}) == workers
    assert fresh(parent).numchild == workers
    assert {OrgUnit.objects.get_parent(c).pk for c in children} == {parent.pk}
    assert Nameplate.objects.filter(unit__in=children, is_primary=True).count() == workers
    assert_tree_clean()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_roots_get_distinct_paths():
    """No parent row to lock here: only the service's tree lock keeps root paths apart."""
    workers = 8

    def add_root(i):
        services.org_unit_create(
            actor=None,
            parent=None,
            data={
                "code": f"root-{i}",
                "name": f"根单位{i}",
                "kind": OrgKind.GOVERNMENT,
                "level": OrgLevel.PROVINCIAL,
            },
        )

    assert run_at_the_same_moment(workers, add_root) == []
    roots = list(OrgUnit.objects.get_root_nodes())
    assert len(roots) == workers
    assert len({r.path for r in roots}) == workers
    assert_tree_clean()


def test_chart_services_refuse_an_official_who_is_not_an_admin(tree):
    from django.core.exceptions import PermissionDenied

    from tests.factories import OfficialFactory

    official = OfficialFactory()
    before = list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name"))
    with pytest.raises(PermissionDenied):
        services.org_unit_create(
            actor=official,
            parent=tree["city"],
            data={"code": "x", "name": "x", "kind": OrgKind.DEPARTMENT, "level": OrgLevel.MUNICIPAL},
        )
    with pytest.raises(PermissionDenied):
        services.org_unit_update(actor=official, unit=tree["health"], data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        services.org_unit_delete(actor=official, unit=tree["lab"])
    assert list(OrgUnit.objects.order_by("pk").values_list("pk", "path", "name")) == before
