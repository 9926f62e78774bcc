"""The public service guide (办事指南): no login. Thin: selectors read, templates show."""

from pathlib import Path

from django.http import FileResponse
from django.shortcuts import render

from approvals import selectors
from approvals.catalogue import start_application_url


def guide_index(request):
    filters = selectors.GuideFilters.from_query(request.GET)
    context = selectors.guide_index(filters=filters, page=request.GET.get("page"))
    return render(request, "approvals/guide_index.html", context)


def guide_item(request, code):
    context = selectors.guide_item_detail(code=code)
    context["start_url"] = start_application_url("item", context["item"].code)
    return render(request, "approvals/guide_item.html", context)


def guide_package(request, code):
    context = selectors.guide_package_detail(code=code)
    context["start_url"] = start_application_url("package", context["package"].code)
    return render(request, "approvals/guide_package.html", context)


def guide_material_template(request, pk):
    """A material's blank template (样表), public like the guide: only for a published, active item."""
    material = selectors.guide_material_with_template(pk=pk)
    response = FileResponse(
        material.template.open("rb"),
        as_attachment=True,
        filename=f"{material.name}{Path(material.template.name).suffix}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
