"""Who sees which sections: officials see their own scope (no section where they see nothing);
applicants and anonymous users get the public version only, with no internal names."""

import json

from coordination.overview import registry


def keys(viewer):
    return [s.key for s in registry.sections(viewer) if s.key in ("approvals", "sharing", "ppp")]


def test_the_whole_programme_sees_every_area_city_wide(city2):
    sections = [s for s in registry.sections(city2.leader) if s.key in ("approvals", "sharing", "ppp")]
    assert [s.key for s in sections] == ["approvals", "sharing", "ppp"]
    assert all(s.scope == "City-wide" and not s.public for s in sections)


def test_an_official_sees_only_the_areas_he_has_a_part_in(city2):
    assert keys(city2.reviewer_a) == ["approvals", "ppp"]  # A reviews and implements projects
    assert keys(city2.steward_a) == ["sharing", "ppp"]
    assert keys(city2.manager) == ["ppp"]
    assert keys(city2.plain) == []


def test_a_department_official_does_not_see_other_departments(city2):
    text = json.dumps([s.as_dict() for s in registry.sections(city2.reviewer_a)], ensure_ascii=False)
    assert city2.b.name not in text and city2.finance.name not in text


def test_applicants_get_the_public_version(city2):
    viewer = registry.viewer_for(city2.citizen)
    sections = [s for s in registry.sections(viewer) if s.key in ("approvals", "sharing", "ppp")]
    assert [s.key for s in sections] == ["approvals", "sharing", "ppp"]
    assert all(s.public for s in sections)


def test_the_public_version_names_no_unit_and_no_internal_figure(city2):
    text = json.dumps([s.as_dict() for s in registry.sections(None)], ensure_ascii=False)
    for unit in (city2.a, city2.b, city2.finance, city2.office):
        assert unit.name not in text
    for internal in ("Open cases", "integrity", "Payments", "requests", "Exchange calls", "Granted"):
        assert internal not in text
