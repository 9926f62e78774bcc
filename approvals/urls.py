from django.urls import path

from approvals import views_guide as views

app_name = "approvals"
urlpatterns = [
    path("", views.guide_index, name="guide"),
    path("items/<slug:code>/", views.guide_item, name="guide-item"),
    path("packages/<slug:code>/", views.guide_package, name="guide-package"),
    path("templates/<int:pk>/", views.guide_material_template, name="guide-template"),
]
