"""The city overview, mounted at /overview/."""

from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("", views.index, name="index"),
    path("screen/", views.screen, name="screen"),
    path("data.json", views.data, name="data"),
    path("public/", views.public, name="public"),
    path("public/data.json", views.public_data, name="public-data"),
]
