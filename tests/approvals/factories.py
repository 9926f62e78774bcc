"""factory_boy factories for the approval catalogue (kept beside its tests)."""

import factory

from approvals.models import FieldKind, FormField, Item, Material, Package, PackageItem
from tests.factories import OrgUnitFactory


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    name = factory.Sequence(lambda n: f"事项{n}")
    origin_department = factory.SubFactory(OrgUnitFactory)
    implementing_body = factory.SubFactory(OrgUnitFactory)
    statutory_limit_days = 20
    promised_limit_days = 5
    extension_days = 10
    legal_basis = "《中华人民共和国行政许可法》"
    delivery_options = factory.LazyFunction(lambda: ["pickup"])
    published = False


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    item = factory.SubFactory(ItemFactory)
    name = factory.Sequence(lambda n: f"材料{n}")


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    item = factory.SubFactory(ItemFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")
    kind = FieldKind.TEXT


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Package

    code = factory.Sequence(lambda n: f"P-{n:04d}")
    name = factory.Sequence(lambda n: f"套餐{n}")
    lead_department = factory.SubFactory(OrgUnitFactory)
    total_limit_days = 10


class PackageItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PackageItem

    package = factory.SubFactory(PackageFactory)
    item = factory.SubFactory(ItemFactory)


def published_item(**kwargs) -> Item:
    """An item with one required material, published (as the service would leave it)."""
    item = ItemFactory(published=True, **kwargs)
    MaterialFactory(item=item, name="申请书")
    return item
