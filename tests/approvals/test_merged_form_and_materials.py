"""A package's one form (一张表单) and one set of materials."""

import pytest
from django.core.exceptions import ValidationError

from approvals.catalogue import (
    form_conflicts,
    merge_form_fields,
    merge_materials,
    merged_form,
    merged_materials,
    package_problems,
)
from approvals.models import FieldKind, FormField, Item, Material
from tests.approvals.factories import (
    FormFieldFactory,
    ItemFactory,
    MaterialFactory,
    PackageFactory,
    PackageItemFactory,
)


def item(code, *, pledges=False):
    return Item(code=code, name=code, pledge_acceptance_allowed=pledges, promised_limit_days=5)


def field(key, kind=FieldKind.TEXT, *, required=True, label=None, choices=None, order=0):
    return FormField(
        key=key, kind=kind, required=required, label=label or key, choices=choices or [], order=order
    )


def material(name, *, required=True, pledged=False, types="pdf,jpg", size=10, pk=None):
    return Material(
        pk=pk, name=name, required=required, may_be_pledged=pledged, accepted_types=types, max_size_mb=size
    )


# --- the form (pure functions, no database) --------------------------------------------------


def test_the_same_key_in_two_items_is_asked_once():
    a, b = item("A"), item("B")
    merged = merge_form_fields(
        [
            (a, [field("name"), field("phone", FieldKind.PHONE)]),
            (b, [field("name"), field("area", FieldKind.AREA_M2)]),
        ]
    )
    assert [f.key for f in merged] == ["name", "phone", "area"]
    assert merged[0].items == ["A", "B"]


def test_a_key_is_required_if_any_item_requires_it():
    merged = merge_form_fields(
        [(item("A"), [field("x", required=False)]), (item("B"), [field("x", required=True)])]
    )
    assert merged[0].required is True
    merged = merge_form_fields(
        [(item("A"), [field("x", required=False)]), (item("B"), [field("x", required=False)])]
    )
    assert merged[0].required is False


def test_choice_options_are_united_in_first_seen_order():
    merged = merge_form_fields(
        [
            (item("A"), [field("t", FieldKind.CHOICE, choices=["甲", "乙"])]),
            (item("B"), [field("t", FieldKind.CHOICE, choices=["乙", "丙"])]),
        ]
    )
    assert merged[0].choices == ["甲", "乙", "丙"]


def test_conflicting_kinds_for_one_key_is_a_validation_error_naming_both_items():
    pairs = [(item("A"), [field("area", FieldKind.NUMBER)]), (item("B"), [field("area", FieldKind.AREA_M2)])]
    with pytest.raises(ValidationError) as exc:
        merge_form_fields(pairs)
    message = " ".join(exc.value.messages)
    assert "area" in message and "A" in message and "B" in message
    assert len(form_conflicts(pairs)) == 1


# --- materials -------------------------------------------------------------------------------


def test_materials_with_the_same_name_appear_once_required_if_required_anywhere():
    merged = merge_materials(
        [
            (item("A"), [material("营业执照", required=False, pk=1), material("申请书", pk=2)]),
            (item("B"), [material("营业执照 ", required=True, pk=3)]),
        ]
    )
    assert [m.name for m in merged] == ["营业执照", "申请书"]
    licence = merged[0]
    assert licence.required is True
    assert licence.items == ["A", "B"]
    assert licence.material_ids == [1, 3]


def test_pledgeable_only_if_pledgeable_everywhere():
    a, b = item("A", pledges=True), item("B", pledges=True)
    both = merge_materials([(a, [material("证明", pledged=True)]), (b, [material("证明", pledged=True)])])
    assert both[0].may_be_pledged is True
    one = merge_materials([(a, [material("证明", pledged=True)]), (b, [material("证明", pledged=False)])])
    assert one[0].may_be_pledged is False


def test_a_pledge_flag_on_an_item_that_does_not_allow_pledges_does_not_count():
    merged = merge_materials([(item("A", pledges=False), [material("证明", pledged=True)])])
    assert merged[0].may_be_pledged is False


def test_one_upload_must_satisfy_every_item():
    merged = merge_materials(
        [
            (item("A"), [material("图纸", types="pdf,jpg", size=20)]),
            (item("B"), [material("图纸", types="pdf", size=5)]),
        ]
    )
    assert merged[0].accepted_types == ["pdf"]
    assert merged[0].max_size_mb == 5


# --- loaded from the database ----------------------------------------------------------------


@pytest.mark.django_db
def test_merged_form_and_materials_of_a_saved_package():
    package = PackageFactory(total_limit_days=10)
    a = ItemFactory(code="A-1", pledge_acceptance_allowed=True)
    b = ItemFactory(code="B-1", pledge_acceptance_allowed=True)
    PackageItemFactory(package=package, item=a, order=0)
    PackageItemFactory(package=package, item=b, order=1)
    FormFieldFactory(item=a, key="name")
    FormFieldFactory(item=b, key="name", required=False)
    FormFieldFactory(item=b, key="phone", kind=FieldKind.PHONE)
    MaterialFactory(item=a, name="申请书")
    MaterialFactory(item=a, name="营业执照", may_be_pledged=True)
    MaterialFactory(item=b, name="营业执照", may_be_pledged=True)
    assert [f.key for f in merged_form(package)] == ["name", "phone"]
    licence = next(m for m in merged_materials(package) if m.name == "营业执照")
    assert licence.may_be_pledged is True
    assert package_problems(package) == []
    FormField.objects.filter(item=b, key="phone").update(key="name_b")
    FormFieldFactory(item=b, key="fee", kind=FieldKind.NUMBER)
    FormFieldFactory(item=a, key="fee", kind=FieldKind.TEXT)
    assert package_problems(package)
