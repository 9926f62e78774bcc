"""Results: the public register, the clerks' queue, actions and downloads. Mounted at /results/."""

from django.urls import path

from . import views

app_name = "results"
urlpatterns = [
    path("", views.register, name="register"),
    path("work/", views.work, name="work"),
    path("a/<uuid:uuid>/issue/", views.issue, name="issue"),
    path("a/<uuid:uuid>/delivery/", views.choose_delivery, name="choose-delivery"),
    path("a/<uuid:uuid>/ready/", views.ready, name="ready"),
    path("a/<uuid:uuid>/ship/", views.ship, name="ship"),
    path("a/<uuid:uuid>/confirm/", views.confirm, name="confirm"),
    path("a/<uuid:uuid>/delivery/phone/", views.delivery_phone, name="delivery-phone"),
    path("certificates/<uuid:public_id>/pdf/", views.download, name="download"),
]
