from django.urls import path

from approvals import views

app_name = "approvals"
urlpatterns = [
    path("", views.guide_index, name="guide"),
    path("items/<slug:code>/", views.guide_item, name="guide-item"),
    path("packages/<slug:code>/", views.guide_package, name="guide-package"),
]
