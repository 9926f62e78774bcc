"""The public certificate verification page (the QR code's target). Mounted at /verify/."""

from django.urls import path

from . import views

app_name = "results_verify"
urlpatterns = [
    path("<str:token>/", views.verify, name="verify"),
]
