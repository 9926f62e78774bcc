"""Performance and payment pages, mounted at /ppp/performance/."""

from django.urls import path

from operations.performance import api, views

app_name = "performance"
urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("projects/<slug:code>/", views.project_performance, name="project"),
    path("projects/<slug:code>/framework/", views.framework_edit, name="framework"),
    path("projects/<slug:code>/mechanism/", views.mechanism_edit, name="mechanism"),
    path("projects/<slug:code>/records/", views.record_add, name="record-add"),
    path("projects/<slug:code>/evaluations/", views.evaluation_create, name="evaluation-create"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/score/", views.score_save, name="score"),
    path("evaluations/<int:pk>/transition/", views.evaluation_transition, name="transition"),
    path("evaluations/<int:pk>/assign/", views.evaluation_assign, name="assign"),
    path("evaluations/<int:pk>/calculate/", views.calculation_create, name="calculate"),
    path("evaluations/<int:pk>/payments/", views.payment_record, name="payment"),
    path("evaluations/<int:pk>/report.pdf", views.evaluation_report, name="report"),
    path("evaluations/<int:pk>/evidence/<int:score_id>/", views.evidence_file, name="evidence"),
    path("api/records/", api.RecordCreate.as_view(), name="api-records"),
]
