"""PPP pages, mounted at /ppp/. Project pages live under projects/ so that /ppp/performance/ (the
performance app) never collides with a project code."""

from django.urls import path

from operations import views

app_name = "operations"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("projects/<slug:code>/", views.project_detail, name="project"),
    path("projects/<slug:code>/edit/", views.project_edit, name="edit"),
    path("projects/<slug:code>/documents/<int:pk>/", views.document_download, name="document"),
    path("projects/<slug:code>/add/<slug:kind>/", views.record_add, name="record-add"),
    path("projects/<slug:code>/transition/", views.project_transition, name="transition"),
    path(
        "projects/<slug:code>/contracts/<int:contract_id>/amend/",
        views.contract_amend,
        name="contract-amend",
    ),
    path("projects/<slug:code>/tenders/<int:tender_id>/check/", views.tender_check, name="tender-check"),
    path("projects/<slug:code>/flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag-resolve"),
    path("parties/", views.party_list, name="parties"),
    path("parties/new/", views.party_create, name="party-create"),
    path("parties/shareholdings/new/", views.shareholding_add, name="shareholding-add"),
    path("parties/<slug:code>/", views.party_profile, name="party"),
    path("parties/<slug:code>/id-number/", views.party_id_number, name="party-id-number"),
    path("benchmarks/", views.benchmark_import, name="benchmarks"),
    path("benchmarks/template.xlsx", views.benchmark_template, name="benchmark-template"),
    path("public/", views.public_list, name="public-list"),
    path("public/<slug:code>/", views.public_project, name="public-project"),
    path("public/<slug:code>/documents/<int:pk>/", views.public_document, name="public-document"),
    path("catalogue/", views.public_catalogue, name="catalogue"),
    path("catalogue/manage/", views.catalogue_manage, name="catalogue-manage"),
    path("catalogue/manage/new/", views.catalogue_edit, name="catalogue-create"),
    path("catalogue/manage/<slug:code>/", views.catalogue_edit, name="catalogue-edit"),
    path("<slug:code>/ocds/record.json", views.ocds_record, name="ocds-record"),
    path("<slug:code>/ocds/releases.json", views.ocds_releases, name="ocds-releases"),
]
