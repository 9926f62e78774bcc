"""Pure functions over the catalogue: a package's one form (一张表单) and one set of materials.

`merge_form_fields` and `merge_materials` work on plain lists and touch no database;
`merged_form(package)` and `merged_materials(package)` load the package's items (using any
prefetched rows) and call them. `application_requirements(application)` gives both for one
application, read once per application object (see there).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals.models import Application, FieldKind, FormField, Item, Material, Package, PackageItem

# The application pages are built with the application issue; until then the guide's
# "Start application" button points at the address they will have.
APPLY_URL = "/apply/{kind}/{code}/"


def start_application_url(kind: str, code: str) -> str:
    """Where the guide's "Start application" button goes (kind: "item" or "package").

    NOTE: /apply/<kind>/<code>/ is not routed yet; it arrives with the application pages, which
    should name their URL pattern so this can become a reverse().
    """
    return APPLY_URL.format(kind=kind, code=code)


@dataclass
class MergedField:
    key: str
    label: str
    kind: str
    required: bool
    choices: list[str]
    help_text: str
    items: list[str] = field(default_factory=list)  # codes of the items that ask for it

    @property
    def kind_label(self) -> str:
        return str(FieldKind(self.kind).label)


@dataclass
class MergedMaterial:
    name: str
    required: bool
    may_be_pledged: bool
    description: str
    accepted_types: list[str]
    max_size_mb: int
    template: object = None  # the first item's template file, if any
    template_material_id: int | None = None  # the material whose template that is
    material_ids: list[int] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    area_assessment_kind: str = ""  # 区域评估: the assessment kind that satisfies it, if every item agrees


def form_conflicts(pairs: Iterable[tuple[Item, Iterable[FormField]]]) -> list[str]:
    """One message per key that two items ask with different kinds (empty when none)."""
    seen: dict[str, tuple[str, Item]] = {}
    problems = []
    for item, fields in pairs:
        for f in fields:
            if f.key in seen and seen[f.key][0] != f.kind:
                kind, other = seen[f.key]
                problems.append(
                    _(
                        'The form field "%(key)s" is %(kind1)s in %(item1)s but %(kind2)s in %(item2)s; '
                        "one merged form can ask it only one way."
                    )
                    % {
                        "key": f.key,
                        "kind1": FieldKind(kind).label,
                        "item1": other.code,
                        "kind2": FieldKind(f.kind).label,
                        "item2": item.code,
                    }
                )
            seen.setdefault(f.key, (f.kind, item))
    return problems


def merge_form_fields(pairs: Iterable[tuple[Item, Iterable[FormField]]]) -> list[MergedField]:
    """The union of the items' fields by key, in item order then field order.

    A key asked by several items appears once: required if any item requires it, the first
    item's label and help text, the options of all choice fields in first-seen order. Two kinds
    for one key raise ValidationError listing every conflict.
    """
    pairs = [(item, list(fields)) for item, fields in pairs]
    if problems := form_conflicts(pairs):
        raise ValidationError(problems)
    merged: dict[str, MergedField] = {}
    for item, fields in pairs:
        for f in sorted(fields, key=lambda f: (f.order, f.pk or 0)):
            m = merged.get(f.key)
            if m is None:
                merged[f.key] = MergedField(
                    key=f.key,
                    label=f.label,
                    kind=f.kind,
                    required=f.required,
                    choices=list(f.choices or []),
                    help_text=f.help_text,
                    items=[item.code],
                )
                continue
            m.required = m.required or f.required
            m.choices += [c for c in f.choices or [] if c not in m.choices]
            m.help_text = m.help_text or f.help_text
            if item.code not in m.items:
                m.items.append(item.code)
    return list(merged.values())


def _material_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def merge_materials(pairs: Iterable[tuple[Item, Iterable[Material]]]) -> list[MergedMaterial]:
    """One set of materials: the same name across items is handed in once.

    Required if any item requires it; may be missing on pledge only if every item that lists it
    allows that (a pledge one department accepts cannot bind another) and likewise satisfied by an
    area assessment only if every item names the same kind; accepted file types are
    those every item accepts and the size limit the smallest, so one upload satisfies all.
    """
    merged: dict[str, MergedMaterial] = {}
    for item, materials in pairs:
        for m in sorted(materials, key=lambda m: (m.order, m.pk or 0)):
            pledgeable = bool(m.may_be_pledged and item.pledge_acceptance_allowed)
            key = _material_key(m.name)
            current = merged.get(key)
            if current is None:
                merged[key] = MergedMaterial(
                    name=m.name,
                    required=m.required,
                    may_be_pledged=pledgeable,
                    description=m.description,
                    accepted_types=m.accepted_type_list,
                    max_size_mb=m.max_size_mb,
                    template=m.template or None,
                    template_material_id=m.pk if m.template else None,
                    material_ids=[m.pk],
                    items=[item.code],
                    area_assessment_kind=m.area_assessment_kind,
                )
                continue
            if current.area_assessment_kind != m.area_assessment_kind:
                current.area_assessment_kind = ""
            current.required = current.required or m.required
            current.may_be_pledged = current.may_be_pledged and pledgeable
            current.description = current.description or m.description
            current.accepted_types = [t for t in current.accepted_types if t in m.accepted_type_list]
            current.max_size_mb = min(current.max_size_mb, m.max_size_mb)
            if not current.template and m.template:
                current.template, current.template_material_id = m.template, m.pk
            current.material_ids.append(m.pk)
            if item.code not in current.items:
                current.items.append(item.code)
    for m in merged.values():
        m.may_be_pledged = m.may_be_pledged and m.required
    return list(merged.values())


def material_conflicts(merged: list[MergedMaterial]) -> list[str]:
    return [
        _('No file type is accepted by every item that asks for "%(name)s".') % {"name": m.name}
        for m in merged
        if not m.accepted_types
    ]


def _package_items(package: Package) -> list[PackageItem]:
    """The package's items in order, with fields and materials (prefetched rows are reused)."""
    cache = getattr(package, "_prefetched_objects_cache", {})
    if "package_items" in cache:
        return list(package.package_items.all())
    return list(
        package.package_items.select_related("item").prefetch_related("item__form_fields", "item__materials")
    )


def merged_form(package: Package) -> list[MergedField]:
    return merge_form_fields((pi.item, pi.item.form_fields.all()) for pi in _package_items(package))


def merged_materials(package: Package) -> list[MergedMaterial]:
    return merge_materials((pi.item, pi.item.materials.all()) for pi in _package_items(package))


def package_problems(package: Package) -> list[str]:
    """Everything that keeps the package's one form / one set of materials from working."""
    pis = _package_items(package)
    problems = form_conflicts((pi.item, pi.item.form_fields.all()) for pi in pis)
    problems += material_conflicts(merge_materials((pi.item, pi.item.materials.all()) for pi in pis))
    return problems


@dataclass(frozen=True)
class Requirements:
    """What the catalogue asks of one application: its one form and its one set of materials."""

    fields: list  # MergedField for a package, the item's own FormField rows for an item; form order
    materials: list[MergedMaterial]


_REQUIREMENTS = "_catalogue_requirements"


def application_requirements(application: Application) -> Requirements:
    """The application's form fields and materials, read together once per application object.

    The result is kept on the instance: one page or one submission (the view's form, the draft
    save, the area-assessment sync, the materials check and the form check) reads the catalogue
    once instead of once per step. Instances live for one request or one task, so nothing is
    served across requests; a service that locks the row again hands the result to the locked
    copy with `share_requirements`.
    """
    key = (application.package_id, application.item_id)
    cached = application.__dict__.get(_REQUIREMENTS)
    if cached is not None and cached[0] == key:
        return cached[1]
    if application.package_id:
        pis = _package_items(application.package)
        requirements = Requirements(
            fields=merge_form_fields((pi.item, pi.item.form_fields.all()) for pi in pis),
            materials=merge_materials((pi.item, pi.item.materials.all()) for pi in pis),
        )
    else:
        item = application.item
        requirements = Requirements(
            fields=list(item.form_fields.order_by("order", "pk")),
            materials=merge_materials([(item, item.materials.order_by("order", "pk"))]),
        )
    application.__dict__[_REQUIREMENTS] = (key, requirements)
    return requirements


def share_requirements(source: Application, target: Application) -> Application:
    """Give `target` (the same application, e.g. re-read under a lock) what `source` has read."""
    cached = source.__dict__.get(_REQUIREMENTS)
    if cached is not None and target.pk == source.pk:
        target.__dict__[_REQUIREMENTS] = cached
    return target
