from django.urls import path

from coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("matrix/", views.line_level_matrix, name="matrix"),
    path("leading-groups/", views.leading_group_list, name="leading-groups"),
    path("leading-groups/<slug:code>/", views.leading_group_detail, name="leading-group"),
    path("units/<slug:code>/", views.org_unit_detail, name="unit"),
]
