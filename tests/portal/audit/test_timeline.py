"""The timeline component: a selector, action labels and a compact before → after diff."""

import pytest
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from portal.audit import actions
from portal.audit.selectors import audit_events_for
from portal.audit.services import audit_record
from portal.audit.templatetags.audit_tags import event_changes
from tests.factories import FunctionalLineFactory, OfficialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def labels(monkeypatch):
    monkeypatch.setattr(actions, "ACTION_LABELS", {})
    monkeypatch.setattr(actions, "FIELD_LABELS", {})
    actions.register_actions({"line.rename": "Line renamed"})
    return actions


def rename(line, actor, old, new, reason=""):
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action="line.rename",
            obj=line,
            before={"name": old, "sort_order": 1},
            after={"name": new, "sort_order": 1},
            reason=reason,
        )


def test_audit_events_for_gives_the_objects_events_newest_first_in_one_query(labels):
    line, other = FunctionalLineFactory(), FunctionalLineFactory()
    people = [OfficialFactory() for _ in range(3)]
    for i, person in enumerate(people):
        rename(line, person, f"n{i}", f"n{i + 1}")
    rename(other, people[0], "a", "b")
    audit_events_for(obj=line)  # warm the content-type cache
    with CaptureQueriesContext(connection) as ctx:
        events = audit_events_for(obj=line)
        actors = [e.actor.username for e in events]
    assert len(ctx.captured_queries) == 1
    assert [e.after["name"] for e in events] == ["n3", "n2", "n1"]
    assert actors == [p.username for p in reversed(people)]
    assert [e.after["name"] for e in audit_events_for(obj=line, limit=2)] == ["n3", "n2"]


def test_the_diff_shows_only_what_changed_with_field_names(labels):
    line = FunctionalLineFactory()
    event = rename(line, None, "卫生", "卫生健康")
    (change,) = event_changes(event)
    assert (change.key, change.label, change.before, change.after) == ("name", "Name", "卫生", "卫生健康")


def test_lists_show_the_items_that_went_and_came(labels):
    line = FunctionalLineFactory()
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="line.aliases",
            obj=line,
            before={"aliases": [{"name": "a"}, {"name": "b"}]},
            after={"aliases": [{"name": "b"}, {"name": "c", "primary": True}]},
        )
    (change,) = event_changes(event)
    assert change.before == "name: a"
    assert change.after == "name: c, primary: Yes"


def test_registered_field_labels_and_unknown_keys(labels):
    line = FunctionalLineFactory()
    actions.register_field_labels({"parent": "parent unit"}, model=type(line))
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="line.move",
            obj=line,
            before={"parent": "a", "zz": 1},
            after={"parent": "b", "zz": 2},
        )
    assert [c.label for c in event_changes(event)] == ["Parent unit", "zz"]


def test_the_timeline_renders_time_actor_action_reason_and_diff(labels):
    line = FunctionalLineFactory()
    official = OfficialFactory(full_name="王五")
    rename(line, official, "卫生", "卫生健康", reason="机构改革")
    with transaction.atomic():
        audit_record(actor=None, action="line.unknown_code", obj=line, after={"name": "x"})
    html = render_to_string("audit/_timeline.html", {"events": audit_events_for(obj=line)})
    assert "Line renamed" in html and "王五" in html and "机构改革" in html
    assert "<del>卫生</del> → 卫生健康" in html
    assert "line.unknown_code" in html  # an unregistered code is shown as it is
    assert "System" in html
    assert "sort_order" not in html and "Order" not in html  # unchanged fields are not listed


def test_an_empty_timeline_says_so():
    html = render_to_string("audit/_timeline.html", {"events": []})
    assert "No recorded changes." in html
