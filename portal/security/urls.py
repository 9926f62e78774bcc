from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("", views.two_factor_settings, name="settings"),
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("personal-data/<slug:field>/", views.personal_data_show, name="personal-data"),
]
