"""The section registry: providers in order, None skipped, a failing provider left out, and the
three apps' providers registered under their keys."""

import logging

import pytest

from coordination.overview import registry
from coordination.overview.registry import Metric, Section


@pytest.fixture
def clean_registry():
    saved = dict(registry._providers)
    registry._providers.clear()
    yield registry
    registry._providers.clear()
    registry._providers.update(saved)


def _section(key):
    return lambda viewer: Section(key=key, title=key.upper(), metrics=[Metric(label="n", value=1)])


def test_sections_follow_order_not_registration(clean_registry):
    clean_registry.register("c", _section("c"), order=30)
    clean_registry.register("a", _section("a"), order=10)
    clean_registry.register("b", _section("b"), order=20)
    assert [s.key for s in clean_registry.sections(None)] == ["a", "b", "c"]


def test_a_provider_returning_none_is_skipped(clean_registry):
    clean_registry.register("a", _section("a"), order=10)
    clean_registry.register("hidden", lambda viewer: None, order=5)
    assert [s.key for s in clean_registry.sections(None)] == ["a"]


def test_registering_a_key_again_replaces_it(clean_registry):
    clean_registry.register("a", _section("a"), order=10)
    clean_registry.register("a", lambda viewer: Section(key="a", title="new"), order=10)
    assert [s.title for s in clean_registry.sections(None)] == ["new"]


def test_the_viewer_is_passed_through(clean_registry):
    seen = []
    clean_registry.register("a", lambda viewer: seen.append(viewer), order=10)
    clean_registry.sections("someone")
    assert seen == ["someone"]


def test_a_failing_provider_is_logged_and_left_out(clean_registry, caplog):
    def broken(viewer):
        raise RuntimeError("boom")

    clean_registry.register("broken", broken, order=1)
    clean_registry.register("a", _section("a"), order=10)
    with caplog.at_level(logging.ERROR, logger="coordination.overview.registry"):
        assert [s.key for s in clean_registry.sections(None)] == ["a"]
    assert "broken" in caplog.text


def test_the_apps_register_approvals_sharing_and_ppp_in_that_order():
    keys = registry.registered()
    assert {"approvals", "sharing", "ppp"} <= set(keys)
    assert keys.index("approvals") < keys.index("sharing") < keys.index("ppp")


def test_section_as_dict_is_json_ready():
    import json

    section = Section(
        key="k", title="T", metrics=[Metric(label="L", value=2, unit="%")], links=[("x", "/x/")]
    )
    data = json.loads(json.dumps(section.as_dict()))
    assert data["metrics"][0] == {"label": "L", "value": 2, "unit": "%", "url": "", "signal": "", "note": ""}


def test_viewer_for_keeps_officials_and_makes_everyone_else_public(city):
    from django.contrib.auth.models import AnonymousUser

    assert registry.viewer_for(city.leader) == city.leader
    assert registry.viewer_for(city.plain) == city.plain
    assert registry.viewer_for(city.citizen) is None
    assert registry.viewer_for(AnonymousUser()) is None
    assert registry.viewer_for(None) is None


def test_whole_floats_show_as_integers_like_the_browser_shows_them():
    assert Metric(label="x", value=3.0).value == 3 and isinstance(Metric(label="x", value=3.0).value, int)
    assert Metric(label="x", value=90.9).value == 90.9
