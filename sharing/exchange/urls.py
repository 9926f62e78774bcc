"""Exchange pages, mounted at /data/exchange/."""

from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("resources/<str:code>/upload/", views.upload, name="upload"),
    path("resources/<str:code>/records/", views.records, name="records"),
    path("agreements/<uuid:uuid>/credentials/", views.credentials, name="credentials"),
    path("credentials/<int:pk>/revoke/", views.credential_revoke, name="credential-revoke"),
    path("usage/", views.usage, name="usage"),
    path("objections/", views.objections, name="objections"),
    path("objections/<uuid:uuid>/", views.objection_detail, name="objection"),
    path("return-flow/", views.return_flow, name="return-flow"),
    path("return-flow/<uuid:uuid>/sync/", views.return_flow_sync, name="return-flow-sync"),
    path("stats/", views.stats, name="stats"),
]
