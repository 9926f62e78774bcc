"""PPP pages, mounted at /ppp/. Project pages live under projects/ so that /ppp/performance/ (the
performance app) never collides with a project code."""

from django.urls import path

from operations import views

app_name = "operations"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("projects/<slug:code>/", views.project_detail, name="project"),
    path("projects/<slug:code>/transition/", views.project_transition, name="transition"),
    path("projects/<slug:code>/tenders/<int:tender_id>/check/", views.tender_check, name="tender-check"),
    path("projects/<slug:code>/flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag-resolve"),
    path("benchmarks/", views.benchmark_import, name="benchmarks"),
    path("benchmarks/template.xlsx", views.benchmark_template, name="benchmark-template"),
    path("public/", views.public_list, name="public-list"),
    path("public/<slug:code>/", views.public_project, name="public-project"),
    path("catalogue/", views.public_catalogue, name="catalogue"),
    path("<slug:code>/ocds/record.json", views.ocds_record, name="ocds-record"),
    path("<slug:code>/ocds/releases.json", views.ocds_releases, name="ocds-releases"),
]
