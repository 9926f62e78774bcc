"""Reads for the public service guide (办事指南).

The guide is public: everyone sees the same published, active items and packages, so these
selectors take no user. Anything unpublished or inactive answers 404. Each page reads in a fixed
number of queries, whatever the size of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from approvals.catalogue import merge_form_fields, merge_materials
from approvals.models import FormField, Item, Material, Package, PackageItem
from approvals.rules import (
    CERTIFICATE_ISSUE_BASIS,
    CERTIFICATE_ISSUE_DAYS,
    COMPLETENESS_CHECK_BASIS,
    COMPLETENESS_CHECK_DAYS,
    PROCEDURE_BASIS,
    Delivery,
    Procedure,
)
from coordination.models import OrgUnit

GUIDE_PAGE_SIZE = 20


def guide_items() -> QuerySet[Item]:
    return Item.objects.filter(published=True, active=True)


def guide_packages() -> QuerySet[Package]:
    return Package.objects.filter(published=True, active=True)


@dataclass
class GuideFilters:
    q: str = ""
    department: str = ""  # an OrgUnit code: origin department, implementing body or lead
    fully_online: bool = False

    @classmethod
    def from_query(cls, params) -> GuideFilters:
        return cls(
            q=(params.get("q") or "").strip()[:100],
            department=(params.get("department") or "").strip()[:64],
            fully_online=params.get("online") in ("1", "on", "true"),
        )


def guide_item_list(filters: GuideFilters) -> QuerySet[Item]:
    qs = guide_items().select_related("origin_department", "implementing_body")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(code__iexact=filters.q))
    if filters.department:
        qs = qs.filter(
            Q(origin_department__code=filters.department) | Q(implementing_body__code=filters.department)
        )
    if filters.fully_online:
        qs = qs.filter(fully_online=True)
    return qs.annotate(material_count=Count("materials")).order_by("code")


def guide_package_list(filters: GuideFilters) -> QuerySet[Package]:
    offline_item = PackageItem.objects.filter(package=OuterRef("pk"), item__fully_online=False)
    qs = (
        guide_packages()
        .select_related("lead_department")
        .annotate(any_offline=Exists(offline_item), item_count=Count("package_items"))
        .prefetch_related(
            Prefetch(
                "package_items",
                queryset=PackageItem.objects.select_related("item__implementing_body").order_by(
                    "order", "pk"
                ),
            )
        )
    )
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(code__iexact=filters.q)
            | Q(Exists(PackageItem.objects.filter(package=OuterRef("pk"), item__name__icontains=filters.q)))
        )
    if filters.department:
        in_dept = PackageItem.objects.filter(
            Q(item__origin_department__code=filters.department)
            | Q(item__implementing_body__code=filters.department),
            package=OuterRef("pk"),
        )
        qs = qs.filter(Q(lead_department__code=filters.department) | Q(Exists(in_dept)))
    if filters.fully_online:
        qs = qs.filter(any_offline=False)
    return qs.order_by("stage", "code")


def guide_departments() -> list[OrgUnit]:
    """The departments that have something in the guide, for the filter."""
    items = guide_items()
    return list(
        OrgUnit.objects.filter(
            Q(Exists(items.filter(origin_department=OuterRef("pk"))))
            | Q(Exists(items.filter(implementing_body=OuterRef("pk"))))
            | Q(Exists(guide_packages().filter(lead_department=OuterRef("pk"))))
        )
        .only("code", "name", "path")
        .order_by("path")
    )


def guide_index(*, filters: GuideFilters, page: str | int | None = 1) -> dict:
    """The guide's front page: packages first (they are what most applicants need), then items."""
    items_page = Paginator(guide_item_list(filters), GUIDE_PAGE_SIZE).get_page(page)
    return {
        "filters": filters,
        "packages": list(guide_package_list(filters)),
        "items_page": items_page,
        "departments": guide_departments(),
    }


@dataclass
class Lane:
    """One parallel review lane of the process diagram: a department reviewing one item."""

    department: OrgUnit
    item: Item
    days: int
    mandatory: bool = True


def procedure_rows(codes) -> list[dict]:
    return [
        {"code": c, "label": Procedure(c).label, "basis": PROCEDURE_BASIS[c]}
        for c in codes
        if c in Procedure.values
    ]


def delivery_labels(codes) -> list[str]:
    return [Delivery(c).label for c in Delivery.values if c in set(codes)]


def _process(lead: OrgUnit, lanes: list[Lane], total_days: int) -> dict:
    """What the process diagram draws; the fixed steps carry their legal numbers."""
    return {
        "lead": lead,
        "lanes": lanes,
        "total_days": total_days,
        "completeness_days": COMPLETENESS_CHECK_DAYS,
        "completeness_basis": COMPLETENESS_CHECK_BASIS,
        "certificate_days": CERTIFICATE_ISSUE_DAYS,
        "certificate_basis": CERTIFICATE_ISSUE_BASIS,
    }


def guide_item_detail(*, code: str) -> dict:
    try:
        item = guide_items().select_related("origin_department", "implementing_body").get(code=code)
    except Item.DoesNotExist:
        raise Http404 from None
    materials = list(item.materials.order_by("order", "pk"))
    fields = list(item.form_fields.order_by("order", "pk"))
    return {
        "item": item,
        "materials": merge_materials([(item, materials)]),
        "fields": fields,
        "procedures": procedure_rows(item.clock_stop_procedures),
        "packages": list(guide_packages().filter(package_items__item=item).order_by("code")),
        "delivery": delivery_labels(item.delivery_options),
        "process": _process(
            item.implementing_body,
            [Lane(department=item.implementing_body, item=item, days=item.promised_limit_days)],
            item.promised_limit_days,
        ),
    }


def guide_package_detail(*, code: str) -> dict:
    package_items = PackageItem.objects.select_related(
        "item__origin_department", "item__implementing_body"
    ).prefetch_related(
        Prefetch("item__materials", queryset=Material.objects.order_by("order", "pk")),
        Prefetch("item__form_fields", queryset=FormField.objects.order_by("order", "pk")),
    )
    try:
        package = (
            guide_packages()
            .select_related("lead_department")
            .prefetch_related(Prefetch("package_items", queryset=package_items.order_by("order", "pk")))
            .get(code=code)
        )
    except Package.DoesNotExist:
        raise Http404 from None
    pis = list(package.package_items.all())
    items = [pi.item for pi in pis]
    procedures = sorted({c for i in items for c in i.clock_stop_procedures}, key=Procedure.values.index)
    published_codes = set(guide_items().filter(pk__in=[i.pk for i in items]).values_list("code", flat=True))
    try:
        fields, form_under_revision = (
            merge_form_fields((pi.item, pi.item.form_fields.all()) for pi in pis),
            False,
        )
    except ValidationError:  # an edit made two items disagree; admin shows why, the public a notice
        fields, form_under_revision = [], True
    return {
        "package": package,
        "package_items": pis,
        "published_codes": published_codes,
        "materials": merge_materials((pi.item, pi.item.materials.all()) for pi in pis),
        "fields": fields,
        "form_under_revision": form_under_revision,
        "procedures": procedure_rows(procedures),
        "process": _process(
            package.lead_department,
            [
                Lane(
                    department=pi.item.implementing_body,
                    item=pi.item,
                    days=pi.item.promised_limit_days,
                    mandatory=pi.mandatory,
                )
                for pi in pis
            ],
            package.total_limit_days,
        ),
        "fully_online": bool(items) and all(i.fully_online for i in items),
        "pledge_acceptance": any(i.pledge_acceptance_allowed for i in items),
        "pledge_approval": [i for i in items if i.pledge_approval_allowed],
        "fees": [i for i in items if i.fee_text or i.fee_amount],
        "delivery": delivery_labels({d for i in items for d in i.delivery_options}),
    }


def guide_material_with_template(*, pk: int) -> Material:
    """A material of a published, active item that has a template; 404 otherwise."""
    material = (
        Material.objects.select_related("item")
        .filter(pk=pk, item__published=True, item__active=True)
        .exclude(template="")
        .first()
    )
    if material is None:
        raise Http404
    return material
