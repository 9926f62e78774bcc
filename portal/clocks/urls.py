from django.urls import path

from . import views

app_name = "clocks"
urlpatterns = [
    path("", views.my_deadlines, name="mine"),
    path("digest/<slug:token>/", views.digest, name="digest"),
]
