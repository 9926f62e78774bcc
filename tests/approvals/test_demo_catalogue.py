"""The demo catalogue loads into an empty database, twice without change."""

import pytest

from approvals.catalogue import merged_form, merged_materials, package_problems
from approvals.demo import load_demo_catalogue
from approvals.models import FormField, Item, Material, Package, PackageItem, Stage
from approvals.rules import CONSTRUCTION_TARGET_DAYS
from coordination.demo import DemoLoader

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Item, Material, FormField, Package, PackageItem)]


def test_demo_catalogue_is_idempotent_and_complete(client):
    DemoLoader().load()
    load_demo_catalogue()
    first = counts()
    load_demo_catalogue()
    assert counts() == first

    stages = Package.objects.filter(stage__isnull=False)
    assert sorted(stages.values_list("stage", flat=True)) == list(Stage.values)
    # the four stages together stay within the national 120-working-day target
    assert sum(p.total_limit_days for p in stages) <= CONSTRUCTION_TARGET_DAYS
    assert all("120" in p.description for p in stages)
    everyday = Package.objects.filter(stage__isnull=True)
    assert everyday.count() >= 2
    assert everyday.filter(name__contains="餐饮").exists()

    for package in Package.objects.all():
        package.full_clean()
        assert package.published
        assert package_problems(package) == []
        assert merged_form(package) and merged_materials(package)
        assert client.get(f"/guide/packages/{package.code}/").status_code == 200
    for item in Item.objects.all():
        item.full_clean()
        assert item.published
    food = Item.objects.get(name="食品经营许可")
    assert (food.statutory_limit_days, food.promised_limit_days) == (20, 5)
    assert "食品安全法" in food.legal_basis and "第三十五条" in food.legal_basis
    assert food.materials.filter(may_be_pledged=True).exists()
    permit = Item.objects.get(name="建筑工程施工许可证核发")
    assert (permit.statutory_limit_days, permit.promised_limit_days) == (15, 3)


def test_demo_catalogue_says_what_is_missing_without_the_demo_city():
    with pytest.raises(RuntimeError, match="demo city"):
        load_demo_catalogue()
