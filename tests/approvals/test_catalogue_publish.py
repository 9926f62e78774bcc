"""Publishing the service guide goes through services: checked, locked and audited."""

import pytest
from django.core.exceptions import PermissionDenied

from approvals.models import Item
from approvals.services import catalogue_item_publish, catalogue_package_publish
from portal.audit.models import AuditEvent
from portal.errors import Conflict
from tests.approvals.factories import ItemFactory, MaterialFactory, PackageFactory, PackageItemFactory
from tests.factories import AdminFactory, OfficialFactory

pytestmark = pytest.mark.django_db


def ready_item(**kwargs):
    item = ItemFactory(**kwargs)
    MaterialFactory(item=item)
    return item


def test_publish_and_withdraw_an_item_leaves_two_audit_events():
    admin = AdminFactory()
    item = catalogue_item_publish(actor=admin, item=ready_item(), published=True)
    assert Item.objects.get(pk=item.pk).published
    catalogue_item_publish(actor=admin, item=item, published=False, reason="law changed")
    events = list(AuditEvent.objects.filter(action__startswith="catalogue.item").order_by("sequence"))
    assert [e.action for e in events] == ["catalogue.item.publish", "catalogue.item.unpublish"]
    assert events[0].actor == admin and events[1].reason == "law changed"
    assert events[1].after == {"published": False}


def test_publishing_again_changes_nothing_and_records_nothing():
    item = catalogue_item_publish(actor=None, item=ready_item(), published=True)
    catalogue_item_publish(actor=None, item=item, published=True)
    assert AuditEvent.objects.filter(action="catalogue.item.publish").count() == 1


def test_an_inactive_item_or_one_without_materials_cannot_be_published():
    with pytest.raises(Conflict, match="inactive"):
        catalogue_item_publish(actor=None, item=ready_item(active=False), published=True)
    with pytest.raises(Conflict, match="no materials"):
        catalogue_item_publish(actor=None, item=ItemFactory(), published=True)


def test_an_official_without_admin_rights_cannot_publish():
    with pytest.raises(PermissionDenied):
        catalogue_item_publish(actor=OfficialFactory(), item=ready_item(), published=True)


def test_a_package_with_a_too_short_limit_or_inactive_item_cannot_be_published():
    package = PackageFactory(total_limit_days=10)
    slow = ready_item(promised_limit_days=15, statutory_limit_days=20)
    PackageItemFactory(package=package, item=slow)
    with pytest.raises(Conflict, match="shorter than the promised limit"):
        catalogue_package_publish(actor=None, package=package, published=True)
    package.total_limit_days = 15
    package.save()
    Item.objects.filter(pk=slow.pk).update(active=False)
    with pytest.raises(Conflict, match="inactive"):
        catalogue_package_publish(actor=None, package=package, published=True)
    Item.objects.filter(pk=slow.pk).update(active=True)
    assert catalogue_package_publish(actor=None, package=package, published=True).published
