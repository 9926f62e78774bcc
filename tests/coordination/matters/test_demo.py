"""The matters demo loads a programme with every state, and loading it again adds nothing."""

from coordination.demo import DemoLoader
from coordination.matters import selectors
from coordination.matters.demo import load_demo
from coordination.matters.models import Matter, MatterEscalation, Meeting
from coordination.models import Role, RoleCode
from portal.models import User


def test_the_demo_shows_every_state(db, settings):
    for code in RoleCode.values:  # a transactional test elsewhere may have flushed the seeded roles
        Role.objects.get_or_create(code=code)
    DemoLoader().load()
    assert load_demo().startswith("matters demo loaded")
    statuses = set(Matter.objects.values_list("status", flat=True))
    assert statuses == {"draft", "open", "in_progress", "reported", "completed", "closed", "cancelled"}
    signals = set(
        Matter.objects.filter(status__in=["open", "in_progress"]).values_list("clock__signal", flat=True)
    )
    assert {"green", "yellow", "red"} <= signals
    assert MatterEscalation.objects.filter(matter__status="in_progress").exists()
    assert Matter.objects.filter(children__isnull=False, milestones__isnull=False).exists()
    assert set(Meeting.objects.values_list("status", flat=True)) == {"published", "planned"}

    leader, steward, enterprise = (User.objects.get(username=u) for u in ("leader", "steward", "enterprise"))
    assert selectors.matters_for(leader).count() == Matter.objects.count()
    assert selectors.matters_for(steward).filter(reports__author=steward).exists()
    assert selectors.matters_for(enterprise).filter(reports__author=enterprise).exists()
    assert selectors.matters_for(enterprise).count() < Matter.objects.count()

    counts = (Matter.objects.count(), Meeting.objects.count())
    assert load_demo() == "matters demo already loaded"
    assert (Matter.objects.count(), Meeting.objects.count()) == counts
