"""Who sees the whole programme (coordination.permissions.sees_whole_programme)."""

import pytest

from coordination.models import OrgKind, RoleCode
from coordination.permissions import sees_whole_programme
from tests.factories import (
    AdminFactory,
    LeadingGroupMemberFactory,
    OrgUnitFactory,
    UserFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def test_office_coordinators_leading_group_seats_and_superusers_see_the_programme():
    office = OrgUnitFactory(kind=OrgKind.OFFICE)
    department = OrgUnitFactory()
    coordinator = staff(office, RoleCode.OFFICE_COORDINATOR, "office-1")
    mayor = staff(department, RoleCode.HEAD, "mayor-1")
    LeadingGroupMemberFactory(user=mayor, represents=department)
    reviewer = staff(department, RoleCode.REVIEWER, "reviewer-1")
    citizen = UserFactory(username="citizen-1")

    assert sees_whole_programme(coordinator)
    assert sees_whole_programme(mayor)
    assert sees_whole_programme(AdminFactory(username="root-1"))
    assert not sees_whole_programme(reviewer)
    assert not sees_whole_programme(citizen)


def test_an_inactive_position_or_account_does_not_count():
    office = OrgUnitFactory(kind=OrgKind.OFFICE)
    coordinator = staff(office, RoleCode.OFFICE_COORDINATOR, "office-2")
    coordinator.positions.update(active=False)
    assert not sees_whole_programme(coordinator)

    seated = staff(office, RoleCode.REVIEWER, "seated-1")
    LeadingGroupMemberFactory(user=seated, represents=office)
    seated.is_active = False
    seated.save()
    assert not sees_whole_programme(seated)
