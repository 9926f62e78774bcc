"""Included from the root URLconf as path("calendar/", include("portal.workcal.urls"))."""

from django.urls import path

from portal.workcal import views

app_name = "workcal"
urlpatterns = [
    path("", views.year_view, name="current"),
    path("<int:year>/", views.year_view, name="year"),
]
