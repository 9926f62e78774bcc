"""The exchange API, mounted at /api/exchange/ (docs/data-exchange.md)."""

from django.urls import path

from .api import views

app_name = "exchange-api"
urlpatterns = [
    path("resources/<str:code>/records/", views.RecordsView.as_view(), name="records"),
    path("resources/<str:code>/records/export", views.ExportView.as_view(), name="export"),
]
