"""Model validation of the catalogue against the licensing law's numbers (DOMAIN.md §2–3)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from approvals.models import FieldKind, FormField, Handling, Item, Material, PackageItem, check_material_set
from approvals.rules import HANDLING_REGIMES
from tests.approvals.factories import ItemFactory, MaterialFactory, PackageFactory, PackageItemFactory

pytestmark = pytest.mark.django_db


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def test_a_sensible_item_is_valid():
    ItemFactory().full_clean()


def test_promised_limit_above_statutory_is_refused():
    item = ItemFactory.build(
        origin_department=ItemFactory().origin_department,
        implementing_body=ItemFactory().implementing_body,
        statutory_limit_days=10,
        promised_limit_days=12,
    )
    assert "cannot exceed the statutory limit" in " ".join(errors_of(item)["promised_limit_days"])


def test_the_database_refuses_promised_above_statutory_too():
    item = ItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(promised_limit_days=item.statutory_limit_days + 1)


def test_the_database_refuses_a_zero_day_limit():
    item = ItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.filter(pk=item.pk).update(promised_limit_days=0)


@pytest.mark.parametrize(
    ("handling", "extension", "allowed"),
    [
        (Handling.SINGLE, 10, True),
        (Handling.SINGLE, 11, False),
        (Handling.JOINT, 15, True),
        (Handling.JOINT, 16, False),
    ],
)
def test_extension_is_capped_by_the_handling_regime_and_names_the_law(handling, extension, allowed):
    item = ItemFactory(handling=handling, extension_days=extension, statutory_limit_days=20)
    if allowed:
        item.full_clean()
        return
    message = " ".join(errors_of(item)["extension_days"])
    assert "行政许可法" in message and "第四十二条" in message
    assert str(HANDLING_REGIMES[handling].extension_days) in message


def test_statutory_limit_above_the_general_one_needs_its_special_basis():
    item = ItemFactory(statutory_limit_days=30, extension_days=0)
    message = " ".join(errors_of(item)["statutory_limit_days"])
    assert "行政许可法" in message and "20" in message
    item.limit_special_basis = "《中华人民共和国环境影响评价法》第二十二条"
    item.full_clean()


def test_joint_handling_allows_45_days():
    ItemFactory(handling=Handling.JOINT, statutory_limit_days=45, extension_days=15).full_clean()


def test_unknown_clock_stopping_procedure_is_refused():
    item = ItemFactory(clock_stop_procedures=["hearing", "lunch_break"])
    assert "lunch_break" in " ".join(errors_of(item)["clock_stop_procedures"])


def test_known_procedures_including_local_extras_are_accepted():
    ItemFactory(clock_stop_procedures=["hearing", "expert_review", "site_survey", "publicity"]).full_clean()


def test_unknown_delivery_option_and_no_delivery_are_refused():
    assert "delivery_options" in errors_of(ItemFactory(delivery_options=["drone"]))
    assert "delivery_options" in errors_of(ItemFactory(delivery_options=[]))


def test_extension_approver_without_extension_is_refused():
    assert "extension_approver" in errors_of(ItemFactory(extension_days=0, extension_approver="局长"))


def test_pledged_material_needs_an_item_that_allows_pledges():
    material = MaterialFactory(item=ItemFactory(pledge_acceptance_allowed=False), may_be_pledged=True)
    assert "may_be_pledged" in errors_of(material)
    material.item.pledge_acceptance_allowed = True
    material.full_clean()


def test_an_optional_material_cannot_be_pledged():
    material = MaterialFactory.build(
        item=ItemFactory(pledge_acceptance_allowed=True), required=False, may_be_pledged=True
    )
    assert "may_be_pledged" in errors_of(material)
    with pytest.raises(IntegrityError), transaction.atomic():
        material.save()


def test_not_every_required_material_can_be_pledged():
    item = ItemFactory(pledge_acceptance_allowed=True)
    both = [
        Material(item=item, name="A", required=True, may_be_pledged=True),
        Material(item=item, name="B", required=False),
    ]
    assert check_material_set(item, both)
    both.append(Material(item=item, name="C", required=True))
    assert check_material_set(item, both) == []


def test_accepted_types_are_checked():
    material = MaterialFactory(accepted_types="pdf,exe")
    assert "exe" in " ".join(errors_of(material)["accepted_types"])


@pytest.mark.parametrize(
    ("kind", "choices", "ok"),
    [
        (FieldKind.CHOICE, ["甲", "乙"], True),
        (FieldKind.CHOICE, ["甲"], False),
        (FieldKind.TEXT, ["甲", "乙"], False),
        (FieldKind.CHOICE, ["甲", "甲"], False),
    ],
)
def test_form_field_choices(kind, choices, ok):
    field = FormField(item=ItemFactory(), key="k", label="K", kind=kind, choices=choices)
    if ok:
        field.full_clean()
    else:
        assert "choices" in errors_of(field)


def test_package_total_limit_below_an_items_promised_limit_is_refused():
    package = PackageFactory(total_limit_days=5)
    slow = ItemFactory(promised_limit_days=8, code="SLOW-1")
    link = PackageItem(package=package, item=slow)
    assert "SLOW-1" in " ".join(errors_of(link)["item"])
    PackageItemFactory(package=package, item=slow)  # saved anyway (e.g. by a script) ...
    assert "total_limit_days" in errors_of(package)  # ... the package itself is then invalid
    package.total_limit_days = 8
    package.full_clean()
