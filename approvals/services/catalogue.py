"""Writes to the approval catalogue that change what the public sees (DESIGN.md §4.1).

Plain edits of catalogue data are made in Django admin, which validates every row (full_clean)
before saving. Publishing and unpublishing change the public service guide, so they go through
these services: lock the row, check permission and readiness, change it, record the audit event —
in one transaction. `actor=None` is the system (e.g. the demo loader).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.catalogue import package_problems
from approvals.models import Item, Package, check_material_set, check_package_limit
from approvals.permissions import can_publish_item, can_publish_package
from portal.audit.actions import register_actions
from portal.audit.services import audit_record
from portal.errors import Conflict

register_actions(
    {
        "catalogue.item.publish": gettext_lazy("Service guide of the item published"),
        "catalogue.item.unpublish": gettext_lazy("Service guide of the item withdrawn"),
        "catalogue.package.publish": gettext_lazy("Service guide of the package published"),
        "catalogue.package.unpublish": gettext_lazy("Service guide of the package withdrawn"),
    }
)


def item_publish_problems(item: Item) -> list[str]:
    """Why the item cannot be published now (empty: it can)."""
    problems = []
    if not item.active:
        problems.append(_("%(item)s is inactive.") % {"item": item})
    materials = list(item.materials.all())
    if not materials:
        problems.append(_("%(item)s lists no materials.") % {"item": item})
    problems += check_material_set(item, materials)
    return problems


def package_publish_problems(package: Package) -> list[str]:
    problems = []
    if not package.active:
        problems.append(_("%(package)s is inactive.") % {"package": package})
    items = [pi.item for pi in package.package_items.select_related("item")]
    if not items:
        problems.append(_("%(package)s has no items.") % {"package": package})
    problems += [_("%(item)s is inactive.") % {"item": i} for i in items if not i.active]
    if problem := check_package_limit(package.total_limit_days, items):
        problems.append(problem)
    problems += package_problems(package)
    return problems


def _publish(*, actor, obj, allowed, problems, code: str, published: bool, reason: str):
    """Lock the row, check permission and readiness, flip `published`, audit — for items and packages."""
    if actor is not None and not allowed(actor):
        raise PermissionDenied
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if obj.published == published:
        return obj
    if published and (found := problems(obj)):
        raise Conflict(" ".join(found))
    obj.published = published
    obj.save(update_fields=["published", "updated_at"])
    audit_record(
        actor=actor,
        action=f"catalogue.{code}.{'publish' if published else 'unpublish'}",
        obj=obj,
        before={"published": not published},
        after={"published": published},
        reason=reason,
    )
    return obj


@transaction.atomic
def catalogue_item_publish(*, actor, item: Item, published: bool, reason: str = "") -> Item:
    """Show (published=True) or withdraw the item's public service guide."""
    return _publish(
        actor=actor,
        obj=item,
        allowed=can_publish_item,
        problems=item_publish_problems,
        code="item",
        published=published,
        reason=reason,
    )


@transaction.atomic
def catalogue_package_publish(*, actor, package: Package, published: bool, reason: str = "") -> Package:
    """Show (published=True) or withdraw the package's public service guide."""
    return _publish(
        actor=actor,
        obj=package,
        allowed=can_publish_package,
        problems=package_publish_problems,
        code="package",
        published=published,
        reason=reason,
    )
