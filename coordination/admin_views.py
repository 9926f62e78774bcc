"""Organisation chart import and export pages for Django admin.

These are plain views taking the ModelAdmin, so they get the admin chrome and URL namespace.
OrgUnitAdmin (coordination/admin.py) wires them in with its `import_view` and `export_view`
methods, registered in its get_urls() through `admin_site.admin_view` (which adds the staff login
check, CSRF protection and no-cache headers). They reverse as ``admin:coordination_orgunit_import``
and ``admin:coordination_orgunit_export``; the change list template links to them. The views
check permissions themselves as well, so they stay safe however they are wired.
"""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.importexport import COLUMNS, XLSX_CONTENT_TYPE, org_chart_export, org_chart_import
from coordination.permissions import can_edit_chart, can_view_chart
from portal.errors import DomainError


class OrgChartImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx)"),
        help_text=gettext_lazy("An Excel workbook with one row per unit, e.g. an edited export."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() != ".xlsx":
            raise forms.ValidationError(
                _(
                    '%(name)s is not an .xlsx file. Save the sheet as "Excel Workbook (*.xlsx)" '
                    "and upload that."
                )
                % {"name": upload.name},
                code="extension",
            )
        limit = settings.ORG_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into several files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="size",
            )
        return upload


def _url(model_admin, name: str) -> str:
    opts = model_admin.model._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_{name}", current_app=model_admin.admin_site.name
    )


def import_view(request, model_admin):
    """GET: the upload form. POST: import; on success back to the change list with a message,
    otherwise the form again with every row error and the assurance that nothing changed."""
    if not can_edit_chart(request.user):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = OrgChartImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = org_chart_import(actor=request.user, fileobj=form.cleaned_data["file"])
            except DomainError as exc:
                raise PermissionDenied(exc.message) from exc
            if report.ok:
                messages.success(
                    request,
                    _(
                        "The organisation chart was imported: %(created)d units created, %(updated)d "
                        "updated, %(unchanged)d unchanged."
                    )
                    % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                )
                return redirect(_url(model_admin, "changelist"))
    else:
        form = OrgChartImportForm()
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import the organisation chart"),
        "opts": opts,
        "app_label": opts.app_label,
        "form": form,
        "report": report,
        "columns": COLUMNS,
        "max_bytes": settings.ORG_IMPORT_MAX_BYTES,
        "max_rows": settings.ORG_IMPORT_MAX_ROWS,
        "export_url": _url(model_admin, "export"),
        "changelist_url": _url(model_admin, "changelist"),
    }
    return TemplateResponse(request, "admin/coordination/orgunit/import_form.html", context)


def export_view(request, model_admin):
    """The chart (as this user may see it) as an .xlsx attachment."""
    if not (request.user.is_staff and can_view_chart(request.user)):
        raise PermissionDenied
    content = org_chart_export(user=request.user)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"org-chart-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
