"""Officials' data-sharing pages, mounted at /data/; the open catalogue needs no login."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "sharing"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="sharing:catalogue", permanent=False), name="home"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.resource_create, name="resource-create"),
    path("catalogue/export.xlsx", views.catalogue_export, name="catalogue-export"),
    path("catalogue/import/", views.catalogue_import, name="catalogue-import"),
    path("catalogue/<str:code>/", views.resource_detail, name="resource"),
    path("catalogue/<str:code>/edit/", views.resource_edit, name="resource-edit"),
    path("catalogue/<str:code>/items/new/", views.item_edit, name="item-add"),
    path("catalogue/<str:code>/items/<int:item_id>/", views.item_edit, name="item-edit"),
    path("catalogue/<str:code>/request/", views.request_create, name="request-create"),
    path("catalogue/<str:code>/<slug:action>/", views.resource_action, name="resource-action"),
    path("open/", views.open_catalogue, name="open"),
    path("open/<str:code>/", views.open_resource, name="open-resource"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<uuid:uuid>/", views.request_detail, name="request"),
    path("requests/<uuid:uuid>/edit/", views.request_edit, name="request-edit"),
    path("requests/<uuid:uuid>/<slug:action>/", views.request_action, name="request-action"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/<uuid:uuid>/", views.agreement_detail, name="agreement"),
    path("agreements/<uuid:uuid>/<slug:action>/", views.agreement_action, name="agreement-action"),
]
